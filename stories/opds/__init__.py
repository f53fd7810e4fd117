"""The OPDS 1.2 catalogue under /opds/: what e-reader apps browse and download from."""
