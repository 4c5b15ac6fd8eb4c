/* Map functions of the planner's page (dash-leaflet calls them by name: "gisapp.planner.…"). */
(function () {
    "use strict";
    var ns = window.gisapp = window.gisapp || {};
    ns.planner = {
        // a changed area in the colour of its class (change_class.colour, sent with each feature)
        changeStyle: function (feature) {
            var colour = (feature.properties && feature.properties.colour) || "#888888";
            return {color: colour, fillColor: colour, weight: 2, fillOpacity: 0.45};
        }
    };
}());
