/* being written */ typedef int af_placeholder_station;
