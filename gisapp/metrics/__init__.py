"""Numbers about cases: KPIs, the assessment, the big screen's tiles, choropleth classes."""
