"""clusterctl: explore France's innovation clusters and match companies to them."""
