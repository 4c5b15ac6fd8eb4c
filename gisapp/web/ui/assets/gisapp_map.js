/* Map functions that dash-leaflet calls by name ({variable: "gisapp.map.…"}), and the clientside
   callbacks of the map and the big screen. Everything a layer looks like comes from its YAML file,
   passed in through `hideout`; nothing here knows a layer by name. */
(function () {
    "use strict";

    function hideoutOf(context) {
        return (context && (context.hideout || (context.props && context.props.hideout))) || {};
    }

    function escapeHtml(value) {
        return String(value).replace(/[&<>"']/g, function (c) {
            return {"&": "&amp;", "<": "&lt;", ">": "&gt;", '"': "&quot;", "'": "&#39;"}[c];
        });
    }

    // One style per feature, used both to create a marker and by Leaflet's resetStyle afterwards
    // (which replaces the options before the SVG path exists, so classes must be in here too).
    function featureStyle(feature, h) {
        var p = feature.properties || {};
        var s = Object.assign({}, h.style || {});
        if (h.by && h.by.values) {
            Object.assign(s, h.by.values[String(p[h.by.field])] || {});
        }
        var fills = h.choropleth && h.choropleth.fills;
        if (fills && fills[feature.id]) {
            s.fillColor = fills[feature.id];
            s.fillOpacity = 0.65;
        }
        var classes = ["layer-" + h.layer, "feature-" + feature.id, s.className || ""];
        if (h.kind === "point") {
            var age = Math.min(4, Math.floor((p.age_hours || 0) / 24));
            s.radius = (s.radius || 6) + (p.urgent ? 3 : 0) + (p.open === false ? -2 : age);
            if (p.overdue) { classes.push("overdue"); s.color = "#ffd400"; s.weight = 3; }
            if (p.urgent) { classes.push("urgent"); }
        }
        s.className = classes.join(" ").trim();
        return s;
    }

    function formatValue(h, field, value, p) {
        if (value === null || value === undefined || value === "") { return null; }
        var labels = (h.labels && h.labels.values && h.labels.values[field]) || null;
        if (labels && labels[String(value)] !== undefined) { return labels[String(value)]; }
        if (field === "category") {
            return (h.lang === "en" ? p.category_en : p.category_zh) || value;
        }
        if (typeof value === "boolean") { return value ? h.labels.yes : h.labels.no; }
        if (field === "reported_at" || field === "last_seen") {
            var d = new Date(value);
            if (!isNaN(d)) {
                return d.toLocaleString(h.lang === "en" ? "en-GB" : "zh-CN",
                                        {timeZone: h.timezone, hour12: false});
            }
        }
        if (field === "minutes_since_seen") { return h.labels.minutes.replace("%(n)s", value); }
        if (field === "age_hours") { return h.labels.hours.replace("%(n)s", value); }
        return value;
    }

    function tooltipHtml(feature, h) {
        var p = Object.assign({id: feature.id}, feature.properties || {});
        var names = (h.labels && h.labels.fields) || {};
        var rows = (h.tooltip || []).map(function (field) {
            var v = formatValue(h, field, p[field], p);
            return v === null ? "" : "<div><span class='tt-key'>" + escapeHtml(names[field] || field) +
                "</span> " + escapeHtml(v) + "</div>";
        });
        return "<div class='tt-title'>" + escapeHtml(h.title || "") + "</div>" + rows.join("");
    }

    var GLYPH = {camera: "◉", gate: "▣", junction: "✚"};

    function pointToLayer(feature, latlng, context) {
        var h = hideoutOf(context);
        var p = feature.properties || {};
        if (h.marker === "checkpoint") {
            var status = p.status === "offline" ? "offline" : "online";
            return L.marker(latlng, {
                icon: L.divIcon({
                    className: "gis-checkpoint " + status + " layer-" + h.layer + " feature-" + feature.id,
                    html: "<span>" + (GLYPH[p.kind] || "●") + "</span>", iconSize: [20, 20]
                }),
                keyboard: false
            });
        }
        if (h.marker === "label") {   // text only (road names): nothing to click, nothing drawn
            return L.marker(latlng, {
                icon: L.divIcon({className: "map-text layer-" + h.layer,
                                 html: "<span>" + escapeHtml(p._label || "") + "</span>", iconSize: null}),
                interactive: false, keyboard: false
            });
        }
        return L.circleMarker(latlng, featureStyle(feature, h));
    }

    function clusterToLayer(feature, latlng, index, context) {
        var h = hideoutOf(context);
        var n = feature.properties.point_count;
        var leaves = index.getLeaves(feature.properties.cluster_id, Infinity);
        var overdue = leaves.filter(function (l) { return l.properties.overdue; }).length;
        var size = n < 10 ? 30 : n < 50 ? 38 : 46;
        return L.marker(latlng, {
            icon: L.divIcon({
                className: "gis-cluster layer-" + h.layer + (overdue ? " has-overdue" : ""),
                html: "<span>" + n + "</span>" + (overdue ? "<b>" + overdue + "</b>" : ""),
                iconSize: [size, size]
            })
        });
    }

    function onEachFeature(feature, layer, context) {
        var h = hideoutOf(context);
        var p = feature.properties || {};
        if (p.cluster || h.marker === "label") { return; }
        if (p._label) {
            layer.bindTooltip(escapeHtml(p._label), {permanent: true, direction: "center",
                                                     className: "area-label label-" + h.layer});
        } else if (h.tooltip && h.tooltip.length) {
            layer.bindTooltip(tooltipHtml(feature, h), {sticky: h.kind !== "point", className: "gis-tooltip"});
        }
    }

    function highlightPoint(feature, latlng) {
        return L.circleMarker(latlng, {radius: 16, color: "#00b4d8", weight: 4, fill: false,
                                       className: "highlight"});
    }

    window.gisapp = Object.assign({}, window.gisapp, {
        map: {
            style: function (feature, context) { return featureStyle(feature, hideoutOf(context)); },
            pointToLayer: pointToLayer,
            clusterToLayer: clusterToLayer,
            onEachFeature: onEachFeature,
            highlightPoint: highlightPoint,
            // The console's placement pin: dragging it moves the pending point (nothing is saved yet).
            pinMoved: function (e) {
                var p = e.target.getLatLng();
                window.dash_clientside.set_props("case-pin", {data: {lat: p.lat, lon: p.lng}});
            }
        },
        tiles: {snap: snapBbox}   // tests/web/ui/test_map.py holds it against gisapp.map.features.snap
    });

    /* --- clientside callbacks ------------------------------------------------------------------ */

    // The same tile snapping as gisapp.map.features.snap, so a small pan repeats the URL (cache hit).
    function snapBbox(bounds, z) {
        var n = Math.pow(2, z);
        function tx(lon) { return (lon + 180) / 360 * n; }
        function ty(lat) {
            var r = Math.max(-85.0511287798, Math.min(85.0511287798, lat)) * Math.PI / 180;
            return (1 - Math.asinh(Math.tan(r)) / Math.PI) / 2 * n;
        }
        function lon(x) { return x / n * 360 - 180; }
        function lat(y) { return Math.atan(Math.sinh(Math.PI * (1 - 2 * y / n))) * 180 / Math.PI; }
        var e = 0.01;
        var x0 = Math.max(0, Math.floor(tx(bounds[0][1]) + e)), x1 = Math.min(n, Math.ceil(tx(bounds[1][1]) - e));
        var y0 = Math.max(0, Math.floor(ty(bounds[1][0]) + e)), y1 = Math.min(n, Math.ceil(ty(bounds[0][0]) - e));
        x1 = Math.max(x1, x0 + 1); y1 = Math.max(y1, y0 + 1);
        return [lon(x0), lat(y1), lon(x1), lat(y0)].map(function (v) { return v.toFixed(6); }).join(",");
    }

    // Leaflet reports bounds only after a move; until then, derive them from center, zoom and size.
    function boundsFrom(center, zoom) {
        var el = document.getElementById("map");
        var w = (el && el.clientWidth) || 2000, h = (el && el.clientHeight) || 1200;
        var n = 256 * Math.pow(2, zoom);
        var cx = (center[1] + 180) / 360 * n;
        var r = center[0] * Math.PI / 180;
        var cy = (1 - Math.asinh(Math.tan(r)) / Math.PI) / 2 * n;
        function lat(y) { return Math.atan(Math.sinh(Math.PI * (1 - 2 * y / n))) * 180 / Math.PI; }
        return [[lat(cy + h / 2), (cx - w / 2) / n * 360 - 180], [lat(cy - h / 2), (cx + w / 2) / n * 360 - 180]];
    }

    function layerUrls(bounds, zoom, center, live, tick, ids, caches) {
        var nu = window.dash_clientside.no_update;
        if (!bounds && center && zoom !== undefined && zoom !== null) {
            bounds = boundsFrom(Array.isArray(center) ? center : [center.lat, center.lng], zoom);
        }
        if (!bounds || zoom === undefined || zoom === null) { return ids.map(function () { return nu; }); }
        var z = Math.max(0, Math.min(22, Math.round(zoom)));
        var bbox = snapBbox(bounds, z);
        live = live || {};
        return ids.map(function (key) {
            var cache = (caches || {})[key.id];
            var url = "/api/v1/layers/" + key.id + "?bbox=" + bbox + "&z=" + z;
            if (cache === "events") { url += "&v=" + (live.last || 0); }
            else if (cache === "none") { url += "&v=" + (live.last || 0) + "&t=" + (tick || 0); }
            else { url += "&g=" + (live.generation || 0); }
            return url;
        });
    }

    // The page's one live stream. The browser's own EventSource reconnects by itself and sends
    // Last-Event-ID, so a reconnect resumes where the stream stopped and replays nothing. It is only
    // replaced when the URL changes (the fallback reopens it from the newest id the page has seen),
    // and closed when the page that asked for it is gone.
    var source = null, sourceUrl = null;
    function liveOpen(url) {
        var nu = window.dash_clientside.no_update;
        if (!url || url === sourceUrl) { return nu; }
        if (source) { source.close(); }
        sourceUrl = url;
        source = new EventSource(url);
        var mine = source;
        source.onmessage = function (e) {
            if (!document.getElementById("live-badge")) {   // the page with the live feed is gone
                mine.close();
                if (source === mine) { source = sourceUrl = null; }
                return;
            }
            window.dash_clientside.set_props("live-message", {data: e.data});
        };
        return Date.now();
    }

    // A stream message: events move the live state (layers, ticker and KPIs follow); a ping only
    // proves the stream is alive. The state only ever moves forward, so a replay changes nothing.
    function liveMessage(message, state) {
        var nu = window.dash_clientside.no_update;
        if (!message) { return [nu, nu]; }
        var m;
        try { m = JSON.parse(message); } catch (e) { return [nu, nu]; }
        state = state || {};
        var beat = {at: Date.now(), last: m.last};
        var events = m.events || [];
        if ((m.last || 0) > (state.last || 0) || m.generation !== state.generation) {
            var urgent = events.some(function (e) { return e.urgent && e.action === "report"; });
            return [{last: Math.max(m.last || 0, state.last || 0), generation: m.generation,
                     urgent: urgent ? (state.urgent || 0) + 1 : (state.urgent || 0)}, beat];
        }
        return [nu, beat];
    }

    // The slow fallback: when the stream has been silent for too long, poll once and reopen it.
    function liveFallback(n, state, beat) {
        var nu = window.dash_clientside.no_update;
        state = state || {};
        if (beat && Date.now() - beat.at < 40000) { return [nu, nu]; }
        var after = state.last || 0;
        var fresh = "/api/v1/events/stream?after=" + after + "&r=" + n;
        return fetch("/api/v1/events?limit=1000&after=" + after).then(function (r) { return r.json(); })
            .then(function (m) {
                var moved = (m.last || 0) > after || m.generation !== state.generation;
                return [moved ? {last: Math.max(m.last || 0, after), generation: m.generation,
                                 urgent: state.urgent || 0} : nu, fresh];
            }).catch(function () { return [nu, fresh]; });
    }

    function liveBadge(beat) {
        var fresh = beat && Date.now() - beat.at < 40000;
        return fresh ? "live-badge on" : "live-badge off";
    }

    function clock(n, tz) {
        return new Date().toLocaleString("zh-CN", {timeZone: tz, hour12: false});
    }

    var lastBeep = 0;
    function beep(state, enabled) {
        if (!enabled || !state || !state.urgent || state.urgent === lastBeep) { return window.dash_clientside.no_update; }
        lastBeep = state.urgent;
        try {
            var ctx = new (window.AudioContext || window.webkitAudioContext)();
            var o = ctx.createOscillator(), g = ctx.createGain();
            o.frequency.value = 880; o.connect(g); g.connect(ctx.destination);
            g.gain.setValueAtTime(0.2, ctx.currentTime);
            o.start(); o.stop(ctx.currentTime + 0.4);
        } catch (e) { /* no audio device: the flashing is enough */ }
        return state.urgent;
    }

    window.dash_clientside = Object.assign({}, window.dash_clientside, {
        gisapp: {
            layerUrls: layerUrls,
            liveOpen: liveOpen,
            liveMessage: liveMessage,
            liveFallback: liveFallback,
            liveBadge: liveBadge,
            clock: clock,
            beep: beep
        }
    });

    // The language switch keeps the page's place: ?lang= is added to the current URL (a chosen case,
    // a filtered area), not put in its place.
    document.addEventListener("click", function (e) {
        var link = e.target.closest && e.target.closest("a[data-lang]");
        if (!link) { return; }
        e.preventDefault();
        var url = new URL(window.location.href);
        url.searchParams.set("lang", link.getAttribute("data-lang"));
        window.location.assign(url.toString());
    });
})();
