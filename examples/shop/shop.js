/* Trackway demo shop: every Trackway event type from real clicks, using only the
 * script-tag API (`trackway(method, ...args)`). Plain ES5, no dependencies. */
(function () {
  'use strict';

  var CATALOG = [
    { sku: 'mug', name: 'Field Mug', price: 18, color: '#0ea5e9,#6366f1', blurb: 'Enamel camp mug that keeps the coffee warm and the dashboards honest.' },
    { sku: 'tote', name: 'Canvas Tote', price: 24, color: '#f97316,#ef4444', blurb: 'Heavy cotton tote with room for a laptop, a notebook and a funnel chart.' },
    { sku: 'notebook', name: 'Dot Notebook', price: 12.5, color: '#10b981,#0ea5e9', blurb: 'A5 dot-grid notebook, 160 pages, for sketching customer journeys.' },
    { sku: 'cap', name: 'Trail Cap', price: 29, color: '#8b5cf6,#ec4899', blurb: 'Six-panel cap in washed twill. One size fits every cohort.' }
  ];
  var CURRENCY = 'USD';
  var KEY_CART = 'demo-cart', KEY_USER = 'demo-user', KEY_ORDER = 'demo-last-order', KEY_VARIANT = 'demo-exp-variant';

  /* ---------- helpers ---------- */
  function tw() { // never let analytics break the shop
    try { if (typeof window.trackway === 'function') window.trackway.apply(window, arguments); } catch (e) { /* ignore */ }
  }
  function getRaw(key) { try { return window.localStorage.getItem(key); } catch (e) { return null; } }
  function setRaw(key, v) { try { window.localStorage.setItem(key, v); } catch (e) { /* ignore */ } }
  function del(key) { try { window.localStorage.removeItem(key); } catch (e) { /* ignore */ } }
  function load(key) { try { return JSON.parse(getRaw(key)); } catch (e) { return null; } }
  function save(key, v) { setRaw(key, JSON.stringify(v)); }
  function $(id) { return document.getElementById(id); }
  function param(name) { try { return new URLSearchParams(window.location.search).get(name); } catch (e) { return null; } }
  function money(n) { return '$' + (Math.round(n * 100) / 100).toFixed(2); }
  function round2(n) { return Math.round(n * 100) / 100; }
  function go(url) { setTimeout(function () { window.location.href = url; }, 150); } // let the SDK queue the event first
  function on(el, type, fn) { if (el) el.addEventListener(type, fn); }
  function product(sku) { for (var i = 0; i < CATALOG.length; i++) if (CATALOG[i].sku === sku) return CATALOG[i]; return null; }
  function el(tag, attrs, kids) {
    var n = document.createElement(tag);
    for (var k in attrs || {}) {
      if (k === 'text') n.textContent = attrs[k];
      else if (k === 'style') n.style.cssText = attrs[k];
      else n.setAttribute(k, attrs[k]);
    }
    (kids || []).forEach(function (c) { if (c) n.appendChild(c); });
    return n;
  }
  function art(p, big) {
    var c = p.color.split(',');
    return el('div', { 'class': 'art' + (big ? ' big' : ''), style: 'background:linear-gradient(135deg,' + c[0] + ',' + c[1] + ')', text: p.name.charAt(0) });
  }

  /* ---------- cart ---------- */
  function getCart() {
    var c = load(KEY_CART);
    if (!Array.isArray(c)) return [];
    return c.filter(function (i) { return i && typeof i.sku === 'string' && typeof i.price === 'number' && i.quantity > 0; });
  }
  function setCart(c) { save(KEY_CART, c); renderBadge(); }
  function cartTotal(c) { return round2(c.reduce(function (s, i) { return s + i.price * i.quantity; }, 0)); }
  function renderBadge() {
    var b = $('cart-count');
    if (b) b.textContent = String(getCart().reduce(function (s, i) { return s + i.quantity; }, 0));
  }
  function addToCart(sku, btn) {
    var p = product(sku);
    if (!p) return;
    var item = { sku: p.sku, name: p.name, price: p.price, quantity: 1 };
    var c = getCart(), found = false;
    c.forEach(function (i) { if (i.sku === sku) { i.quantity += 1; found = true; } });
    if (!found) c.push(item);
    setCart(c);
    tw('cartAdd', [item]);
    if (btn) {
      btn.textContent = 'Added \u2713';
      setTimeout(function () { btn.textContent = 'Add to cart'; }, 1200);
    }
  }
  function addButton(p, cls) {
    var b = el('button', { type: 'button', 'class': 'btn ' + (cls || ''), id: 'add-to-cart-' + p.sku, 'data-testid': 'add-to-cart-' + p.sku, text: 'Add to cart' });
    on(b, 'click', function () { addToCart(p.sku, b); });
    return b;
  }

  /* ---------- user / referral ---------- */
  function getUser() { var u = load(KEY_USER); return u && typeof u.email === 'string' && typeof u.code === 'string' ? u : null; }
  function referralCode(email) {
    var h = 2166136261; // FNV-1a, so the code is stable per email
    for (var i = 0; i < email.length; i++) { h ^= email.charCodeAt(i); h = Math.imul(h, 16777619) >>> 0; }
    var base = email.split('@')[0].toLowerCase().replace(/[^a-z0-9]/g, '').slice(0, 12) || 'friend';
    return base + '-' + h.toString(36).slice(0, 5);
  }
  function referralUrl(code) { return new URL('index.html?ref=' + encodeURIComponent(code), window.location.href).href; }

  /* ---------- pages ---------- */
  var pages = {
    home: function () {
      var ref = param('ref');
      if (ref && $('ref-notice')) {
        $('ref-notice').textContent = 'A friend invited you (code ' + ref + ') \u2014 welcome! Have a look around.';
        $('ref-notice').classList.remove('hidden');
      }

      // A/B experiment: one variant per browser, an exposure on every home view.
      var variant = getRaw(KEY_VARIANT);
      if (variant !== 'control' && variant !== 'big-button') {
        variant = Math.random() < 0.5 ? 'control' : 'big-button';
        setRaw(KEY_VARIANT, variant);
      }
      tw('exposure', 'hero-cta', variant);
      var cta = $('hero-cta');
      if (cta) {
        cta.setAttribute('data-variant', variant);
        if (variant === 'big-button') { cta.className = 'btn big cta'; cta.textContent = 'Shop now \u2014 free shipping \u2192'; }
        else { cta.className = 'btn cta'; cta.textContent = 'Browse the collection'; }
      }

      var grid = $('products-grid');
      if (grid) CATALOG.forEach(function (p) {
        grid.appendChild(el('article', { 'class': 'card', 'data-testid': 'product-' + p.sku }, [
          art(p),
          el('div', { 'class': 'body' }, [
            el('h3', { text: p.name }),
            el('p', { text: p.blurb }),
            el('span', { 'class': 'price', text: money(p.price) }),
            el('div', { 'class': 'row' }, [
              el('a', { 'class': 'btn ghost', href: 'product.html?sku=' + encodeURIComponent(p.sku), id: 'view-' + p.sku, 'data-testid': 'view-' + p.sku, text: 'View' }),
              addButton(p)
            ])
          ])
        ]));
      });

      on($('invite'), 'click', function () {
        var u = getUser(), code = u ? u.code : 'demo-friend';
        tw('referralInvite', { code: code });
        var out = $('invite-result');
        if (out) {
          out.textContent = '';
          out.appendChild(document.createTextNode('Invite sent! Your link: '));
          out.appendChild(el('span', { 'class': 'code', 'data-testid': 'invite-link', text: referralUrl(code) }));
          out.classList.remove('hidden');
        }
      });

      var stars = document.querySelectorAll('[data-score]');
      Array.prototype.forEach.call(stars, function (b) {
        on(b, 'click', function () {
          var score = parseInt(b.getAttribute('data-score'), 10);
          tw('feedback', score);
          Array.prototype.forEach.call(stars, function (s) { s.classList.toggle('on', parseInt(s.getAttribute('data-score'), 10) <= score); });
          if ($('feedback-thanks')) { $('feedback-thanks').textContent = 'Thanks for rating us ' + score + '/5!'; $('feedback-thanks').classList.remove('hidden'); }
        });
      });
    },

    product: function () {
      var p = product(param('sku'));
      var box = $('product');
      if (!box) return;
      if (!p) {
        box.appendChild(el('div', { 'class': 'notice warn', 'data-testid': 'product-not-found' }, [
          document.createTextNode('We could not find that product. '),
          el('a', { href: 'index.html', text: 'Back to the shop' })
        ]));
        return;
      }
      document.title = p.name + ' \u2014 Trackway Demo Shop';
      box.appendChild(el('div', { 'class': 'product' }, [
        art(p, true),
        el('div', {}, [
          el('h1', { 'data-testid': 'product-name', text: p.name }),
          el('span', { 'class': 'price', text: money(p.price) }),
          el('p', { text: p.blurb }),
          el('p', { text: 'Ships in 2\u20133 days. Free returns within 30 days.' }),
          el('div', { 'class': 'row', style: 'display:flex;gap:10px;flex-wrap:wrap' }, [
            addButton(p),
            el('a', { 'class': 'btn ghost', href: 'cart.html', id: 'view-cart', 'data-testid': 'view-cart', text: 'Go to cart' })
          ])
        ])
      ]));
    },

    cart: function () {
      function render() {
        var c = getCart(), body = $('cart-body'), empty = c.length === 0;
        $('cart-empty').classList.toggle('hidden', !empty);
        $('cart-full').classList.toggle('hidden', empty);
        body.textContent = '';
        c.forEach(function (i) {
          var rm = el('button', { type: 'button', 'class': 'btn ghost small', id: 'remove-' + i.sku, 'data-testid': 'remove-' + i.sku, text: 'Remove' });
          on(rm, 'click', function () {
            tw('cartRemove', [{ sku: i.sku, name: i.name, price: i.price, quantity: i.quantity }]);
            setCart(getCart().filter(function (x) { return x.sku !== i.sku; }));
            render();
          });
          body.appendChild(el('tr', { 'data-testid': 'cart-line-' + i.sku }, [
            el('td', { text: i.name }),
            el('td', { 'class': 'num', text: String(i.quantity) }),
            el('td', { 'class': 'num', text: money(i.price) }),
            el('td', { 'class': 'num', text: money(i.price * i.quantity) }),
            el('td', { 'class': 'num' }, [rm])
          ]));
        });
        $('cart-total').textContent = money(cartTotal(c));
        $('checkout').disabled = empty;
      }
      on($('checkout'), 'click', function () {
        var c = getCart();
        if (!c.length) return;
        tw('checkout', { items: c, revenue: cartTotal(c), currency: CURRENCY });
        go('checkout.html');
      });
      render();
    },

    checkout: function () {
      var c = getCart(), list = $('summary-items');
      c.forEach(function (i) {
        list.appendChild(el('li', {}, [el('span', { text: i.quantity + ' \u00d7 ' + i.name }), el('span', { text: money(i.price * i.quantity) })]));
      });
      $('summary-total').textContent = money(cartTotal(c));
      var u = getUser();
      if (u && $('checkout-email') && !$('checkout-email').value) $('checkout-email').value = u.email;
      if (!c.length) {
        $('checkout-empty').classList.remove('hidden');
        $('place-order').disabled = true;
      }
      on($('checkout-form'), 'submit', function (ev) {
        ev.preventDefault();
        var items = getCart();
        if (!items.length) return;
        $('place-order').disabled = true;
        var orderId = 'o-' + Date.now().toString(36) + Math.random().toString(36).slice(2, 8);
        var revenue = cartTotal(items);
        tw('purchase', { orderId: orderId, revenue: revenue, currency: CURRENCY, items: items });
        save(KEY_ORDER, { orderId: orderId, revenue: revenue, items: items });
        setCart([]);
        go('thank-you.html?order=' + encodeURIComponent(orderId));
      });
    },

    thanks: function () {
      var orderId = param('order'), last = load(KEY_ORDER);
      $('order-id').textContent = orderId || '(none)';
      if (last && last.orderId === orderId && typeof last.revenue === 'number') $('order-total').textContent = '\u00b7 ' + money(last.revenue);
      var dl = $('download-invoice');
      if (!orderId) dl.disabled = true;
      on(dl, 'click', function () {
        tw('track', 'invoice_download', { orderId: orderId });
        $('invoice-note').classList.remove('hidden');
      });
      if (getUser() && $('create-account')) $('create-account').textContent = 'Your referral link';
    },

    signup: function () {
      function show(u) {
        $('signup-done').classList.remove('hidden');
        $('signup-who').textContent = u.email;
        $('referral-link').value = referralUrl(u.code);
      }
      var existing = getUser();
      if (existing) show(existing);
      on($('signup-form'), 'submit', function (ev) {
        ev.preventDefault();
        var email = String($('signup-email').value || '').trim().toLowerCase();
        var err = $('signup-error');
        if (!/^[^\s@]+@[^\s@]+\.[^\s@]+$/.test(email)) { err.classList.remove('hidden'); return; }
        err.classList.add('hidden');
        tw('signup', email);
        tw('identify', email, { plan: 'free' });
        var u = { email: email, code: referralCode(email) };
        save(KEY_USER, u);
        show(u);
      });
      on($('copy-referral'), 'click', function () {
        var v = $('referral-link').value;
        try { navigator.clipboard.writeText(v).then(function () { $('copy-referral').textContent = 'Copied \u2713'; }, function () {}); } catch (e) { /* ignore */ }
      });
    }
  };

  function start() {
    renderBadge();
    on($('reset-demo'), 'click', function () {
      [KEY_CART, KEY_USER, KEY_ORDER, KEY_VARIANT].forEach(del);
      tw('reset'); // forget the identity so the next clicks are a new visitor
      go('index.html');
    });
    var fn = pages[document.body.getAttribute('data-page')];
    if (fn) fn();
  }
  if (document.readyState === 'loading') document.addEventListener('DOMContentLoaded', start);
  else start();
})();
