"""The demo city: Shanghai contact points consulting on real 2021 drafts, built through the
same application commands users use, from a fixed random seed."""
