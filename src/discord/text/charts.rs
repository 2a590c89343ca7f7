//! The words around the charts: the line `/stats` shows instead of an empty chart.

/// The field's name where the chart would be.
pub const NO_CHART_TITLE: &str = "Progress chart";

/// For a member with no daily answers here yet.
pub const NO_HISTORY: &str = "Nothing to chart yet: answer a daily question here and your points per week and accuracy per topic will show up as a chart.";
