// search: added by the search issue
