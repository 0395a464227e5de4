VACUUM FULL directory_facetcount;
