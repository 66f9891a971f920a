// The Trackway dashboard: a static page over the read API (SPEC §6). The admin token comes
// from the URL fragment (#token=…, never sent to a server) or the login form, and is kept in
// sessionStorage for this tab only.
(function () {
  'use strict'
  var $ = function (id) { return document.getElementById(id) }
  var token = null
  var timer = null

  var fragment = new URLSearchParams(location.hash.slice(1))
  if (fragment.get('token')) {
    sessionStorage.setItem('trackway-token', fragment.get('token'))
    history.replaceState(null, '', location.pathname + location.search)
  }
  token = sessionStorage.getItem('trackway-token')

  function api(path) {
    return fetch(path, { headers: { authorization: 'Bearer ' + token } }).then(function (res) {
      return res.json().then(function (body) {
        if (!res.ok) throw Object.assign(new Error(body.error ? body.error.message : res.statusText), { status: res.status })
        return body
      })
    })
  }

  function isoDay(d) { return d.toISOString().slice(0, 10) }

  function showLogin(message) {
    $('login').hidden = false
    $('cards').hidden = true
    $('login-error').textContent = message || ''
  }

  function money(n, currency) {
    try { return new Intl.NumberFormat(undefined, { style: 'currency', currency: currency || 'USD' }).format(n) } catch (e) { return n.toFixed(2) }
  }

  var sites = []
  function refresh() {
    var site = $('site').value
    if (!site) return
    var days = Number($('period').value)
    // The collector counts days in the site's time zone; "today" here is the browser's date.
    var to = new Date()
    var from = new Date(to.getTime() - days * 86400000)
    var query = '?from=' + isoDay(from) + '&to=' + isoDay(to)
    var currency = (sites.filter(function (s) { return s.id === site })[0] || {}).currency
    api('/v1/sites/' + encodeURIComponent(site) + '/stats/overview' + query).then(function (o) {
      $('range').textContent = o.from + ' → ' + o.to
      document.querySelectorAll('[data-metric]').forEach(function (el) {
        var v = o[el.getAttribute('data-metric')]
        var format = el.getAttribute('data-format')
        el.textContent = v === null ? '–' : format === 'money' ? money(v, currency) : format === 'percent' ? (v * 100).toFixed(1) + ' %' : Number(v).toLocaleString()
      })
      $('cards').hidden = false
      $('status').textContent = 'Updated ' + new Date().toLocaleTimeString() + ' · refreshes every 10 s'
    }, fail)
    var base = '/v1/sites/' + encodeURIComponent(site) + '/stats/'
    api(base + 'realtime').then(function (r) { document.querySelector('[data-realtime]').textContent = r.visitors.toLocaleString() }, fail)
    document.querySelectorAll('table[data-dimension]').forEach(function (table) {
      api(base + 'breakdown' + query + '&limit=8&dimension=' + table.getAttribute('data-dimension')).then(function (rows) {
        table.innerHTML = ''
        var head = table.insertRow()
        ;['', 'Visitors', 'Sessions', 'Conversions', 'Revenue'].forEach(function (h) {
          var th = document.createElement('th')
          th.textContent = h
          head.appendChild(th)
        })
        rows.forEach(function (r) {
          var tr = table.insertRow()
          ;[r.value === null ? '(none)' : r.value, r.visitors.toLocaleString(), r.sessions.toLocaleString(), r.conversions.toLocaleString(), money(r.revenue, currency)]
            .forEach(function (text) { tr.insertCell().textContent = text })
        })
        $('tables').hidden = false
      }, fail)
    })
  }

  function fail(err) {
    if (err.status === 401) { sessionStorage.removeItem('trackway-token'); showLogin('That token was not accepted.'); return }
    $('status').textContent = 'Could not load: ' + err.message
  }

  function start() {
    api('/v1/sites').then(function (list) {
      sites = list
      $('login').hidden = true
      $('site').innerHTML = ''
      list.forEach(function (s) {
        var opt = document.createElement('option')
        opt.value = s.id
        opt.textContent = s.name + ' (' + s.id + ')'
        $('site').appendChild(opt)
      })
      if (list.length === 0) { $('status').textContent = 'No sites yet: start the collector with --site id:origin.'; return }
      refresh()
      clearInterval(timer)
      timer = setInterval(refresh, 10000)
    }, fail)
  }

  $('site').addEventListener('change', refresh)
  $('period').addEventListener('change', refresh)
  $('login').addEventListener('submit', function (e) {
    e.preventDefault()
    token = $('token').value.trim()
    sessionStorage.setItem('trackway-token', token)
    start()
  })

  if (token) start(); else showLogin()
})()
