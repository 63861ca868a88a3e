"""Everything written into the site except the search index: pages, data files, feeds, assets."""
