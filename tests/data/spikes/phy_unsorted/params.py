dat_path = 'recording.dat'
n_channels_dat = 32
dtype = 'int16'
offset = 0
sample_rate = 30000.
hp_filtered = False
