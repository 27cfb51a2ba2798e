// Maps of citizen reports, drawn with Leaflet from Baladiya's own GeoJSON:
// unit boundaries and report points need no tile server. Under them, the
// deployment's own vector base map when it has one (data-style, MapLibre
// GL), else raster tiles when it configures a tile URL (data-tiles), else
// a plain background.
//
// <div id="report-map" data-mode="view|pick|point" ...>:
//   view:  every report matching the page's filters (data-reports)
//   pick:  the reporter taps the spot; fills #lat and #long, offers
//          nearby open reports of the same category as possible duplicates
//   point: one report (data-lat, data-lon)
(function () {
  'use strict';
  var el = document.getElementById('report-map');
  if (!el || !window.L) { return; }
  var data = el.dataset;
  // Each status has a symbol as well as a colour (see .pin-* in app.css
  // and the legend under the map), so it is not told by colour alone.
  var symbols = {
    open: '!', acknowledged: '●', in_progress: '◐', resolved: '✓', duplicate: '=', rejected: '✕',
    place: '⌂'
  };
  // Without zoom animation a zoom asked for while another is running is
  // not dropped (Leaflet ignores setView during an animated zoom). The zoom
  // buttons speak the page's language.
  var map = L.map(el, { attributionControl: Boolean(data.tiles), zoomAnimation: false, zoomControl: false });
  L.control.zoom({
    zoomInTitle: document.body.dataset.zoomIn || 'Zoom in',
    zoomOutTitle: document.body.dataset.zoomOut || 'Zoom out'
  }).addTo(map);
  map.setView([26.5, 40.0], 4);
  if (data.style && window.maplibregl && L.maplibreGL) {
    // The deployment's own vector base map, drawn by MapLibre GL under the
    // boundaries and pins; its worker is served from /assets (CSP).
    maplibregl.setWorkerUrl('/assets/maplibre/maplibre-gl-csp-worker.js');
    L.maplibreGL({ style: data.style }).addTo(map);
  } else if (data.tiles) {
    L.tileLayer(data.tiles, { maxZoom: 19, attribution: data.attribution || '' }).addTo(map);
  }
  var units = {};
  var fitted = false;

  function fit(bounds) {
    if (bounds && bounds.isValid()) { map.fitBounds(bounds, { maxZoom: 16 }); fitted = true; }
  }

  function json(url) {
    return fetch(url, { headers: { Accept: 'application/json' } }).then(function (r) {
      if (!r.ok) { throw new Error(url + ': ' + r.status); }
      return r.json();
    });
  }

  function link(href, text) {
    var a = document.createElement('a');
    a.href = href;
    a.textContent = text;
    return a;
  }

  // A status in the page's language, from the legend under the map.
  function statusLabel(status) {
    var item = document.querySelector('[data-legend-status="' + status + '"]');
    return item ? item.parentNode.textContent.replace(item.textContent, '').trim() : status;
  }

  function point(latlng, status) {
    var known = symbols[status] ? status : 'open';
    return L.marker(latlng, {
      icon: L.divIcon({ className: 'pin pin-' + known, html: symbols[known], iconSize: [24, 24] }),
      title: (data.mode === 'point' && data.title) || statusLabel(known),
      keyboard: false
    });
  }

  var boundaries = json(data.boundaries || '/open-data/boundaries.geojson').then(function (gj) {
    var layer = L.geoJSON(gj, {
      style: { color: '#155e63', weight: 1.5, fillColor: '#155e63', fillOpacity: 0.04 },
      onEachFeature: function (f, l) { units[f.properties.unit] = l; }
    }).addTo(map);
    if (!fitted && data.mode !== 'point') { fit(layer.getBounds()); }
    return layer;
  });

  // Zoom to a unit chosen in a <select data-zoom-to-unit>, or to a
  // landmark ("@lat,lon"; on the report form it also places the report).
  var chooser = document.querySelector('[data-zoom-to-unit]');
  if (chooser) {
    chooser.addEventListener('change', function () {
      if (chooser.value.charAt(0) === '@') {
        var at = chooser.value.slice(1).split(',').map(Number);
        var spot = L.latLng(at[0], at[1]);
        map.setView(spot, 17);
        fitted = true;
        if (window.baladiyaPlace) { window.baladiyaPlace(spot); }
        return;
      }
      boundaries.then(function () {
        var layer = units[chooser.value];
        if (layer) { fit(layer.getBounds()); }
      });
    });
  }

  if (data.mode === 'view' && data.reports) {
    json(data.reports).then(function (gj) {
      var layer = L.geoJSON(gj, {
        pointToLayer: function (f, latlng) { return point(latlng, f.properties.status); },
        onEachFeature: function (f, l) {
          var box = document.createElement('div');
          box.appendChild(link('/reports/' + f.properties.id, (f.properties.service_name || f.properties.service_code) + ' #' + f.properties.id));
          var status = document.createElement('div');
          status.textContent = statusLabel(f.properties.status);
          box.appendChild(status);
          l.bindPopup(box);
        }
      }).addTo(map);
      if (gj.features.length) { fit(layer.getBounds()); }
    });
  }

  if (data.mode === 'point') {
    var here = L.latLng(Number(data.lat), Number(data.lon));
    point(here, data.status).addTo(map);
    map.setView(here, 16);
    fitted = true;
  }

  if (data.mode === 'pick') {
    var lat = document.getElementById('lat');
    var lon = document.getElementById('long');
    var category = document.getElementById('service_code');
    var nearby = document.getElementById('nearby');
    var marker = null;

    var showNearby = function () {
      if (!nearby || !category || !category.value || !lat.value || !lon.value) { return; }
      var url = '/api/v1/reports/nearby?service_code=' + encodeURIComponent(category.value) +
        '&lat=' + encodeURIComponent(lat.value) + '&long=' + encodeURIComponent(lon.value);
      json(url).then(function (list) {
        var items = nearby.querySelector('ul');
        items.textContent = '';
        list.forEach(function (r) {
          var li = document.createElement('li');
          li.appendChild(link('/reports/' + r.id, (r.service_name || r.service_code) + ' #' + r.id));
          li.appendChild(document.createTextNode(' — ' + Math.round(r.distance_m) + '\u00a0' + (nearby.dataset.metres || 'm')));
          items.appendChild(li);
        });
        nearby.hidden = list.length === 0;
      }).catch(function () { nearby.hidden = true; });
    };

    var place = function (latlng) {
      lat.value = latlng.lat.toFixed(6);
      lon.value = latlng.lng.toFixed(6);
      if (marker) { marker.setLatLng(latlng); } else { marker = point(latlng, 'open').addTo(map); }
      showNearby();
    };

    map.on('click', function (e) { place(e.latlng); });
    window.baladiyaPlace = place;
    if (lat.value && lon.value) { place(L.latLng(Number(lat.value), Number(lon.value))); map.setView(marker.getLatLng(), 15); fitted = true; }
    if (category) { category.addEventListener('change', showNearby); }
    [lat, lon].forEach(function (input) {
      input.addEventListener('change', function () {
        if (lat.value && lon.value) { place(L.latLng(Number(lat.value), Number(lon.value))); }
      });
    });
    var locate = document.getElementById('use-my-location');
    if (locate && navigator.geolocation) {
      locate.hidden = false;
      locate.addEventListener('click', function () {
        navigator.geolocation.getCurrentPosition(function (p) {
          var latlng = L.latLng(p.coords.latitude, p.coords.longitude);
          place(latlng);
          map.setView(latlng, 17);
        });
      });
    }
    // Show only the questions of the chosen category.
    var showQuestions = function () {
      document.querySelectorAll('[data-category-questions]').forEach(function (fs) {
        fs.hidden = fs.getAttribute('data-category-questions') !== category.value;
      });
    };
    if (category) { category.addEventListener('change', showQuestions); showQuestions(); }
  }
})();
