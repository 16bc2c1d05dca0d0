/* Kembar: filter and sort the partnership directory in place.
   Progressive enhancement: without this script the page lists its partnerships (a long
   directory is split into pages) and a panel of links leads to the sector, status, type,
   country and province pages, and to the lists of statuses confirmed (or not) within the
   site's freshness threshold (data-fresh on each card). When the directory has more
   than one page, filtering or sorting fetches every card once (data-cards: the same
   cards the pages show) and works on them all; with no filter and the usual order, the page's own cards come back.
   The choice lives in the query string (?sector=tourism&sort=newest), so a filtered
   list can be bookmarked and shared; the result count is announced politely. */
(function () {
  "use strict";
  var form = document.querySelector("[data-filters]");
  var list = document.getElementById("results");
  var count = document.getElementById("result-count");
  if (!form || !list || !count || !window.URLSearchParams || !history.replaceState) return;

  var FACETS = ["sector", "status", "type", "country", "province", "fresh"];
  var empty = document.querySelector("[data-empty]");
  var browse = document.querySelector("[data-browse]");
  var pager = document.querySelector("[data-pager]");
  var pageCards = Array.prototype.slice.call(list.children);
  var cards = pageCards;
  var allCards = null;  // every card, once fetched
  var everyCardUrl = form.getAttribute("data-cards");
  var lang = document.documentElement.lang || undefined;
  var collator = new Intl.Collator(lang);
  var numbers = new Intl.NumberFormat(lang);
  var everything = count.textContent;
  var template = count.getAttribute("data-template");
  var titles = new Map();
  function title(card) {
    if (!titles.has(card)) {
      var heading = card.querySelector(".card-title");
      titles.set(card, heading ? heading.textContent.trim() : "");
    }
    return titles.get(card);
  }

  function matches(card, chosen) {
    return FACETS.every(function (name) {
      var want = chosen[name];
      if (!want) return true;
      var have = card.getAttribute("data-" + (name === "sector" ? "sectors" : name)) || "";
      return have.split(" ").indexOf(want) !== -1;
    });
  }

  // The server wrote each card's key in name order (data-sort: Japanese by reading, in
  // gojūon order) and lists them in that order, so sorting by name never moves a card.
  function byName(a, b) {
    var x = a.getAttribute("data-sort"), y = b.getAttribute("data-sort");
    if (x === null || y === null) return collator.compare(title(a), title(b));
    return x < y ? -1 : x > y ? 1 : 0;
  }

  function sorter(order) {
    if (order === "newest" || order === "oldest") {
      var sign = order === "newest" ? -1 : 1;
      return function (a, b) {
        var x = a.getAttribute("data-asof"), y = b.getAttribute("data-asof");
        return x === y ? byName(a, b) : (x < y ? -sign : sign);
      };
    }
    return byName;
  }

  function current() {
    var chosen = {};
    FACETS.concat("sort").forEach(function (name) { chosen[name] = form.elements[name].value; });
    return chosen;
  }

  function fetchAll(then) {
    fetch(everyCardUrl).then(function (response) { return response.json(); }).then(function (html) {
      var holder = document.createElement("ul");
      holder.innerHTML = html.join("");
      allCards = Array.prototype.slice.call(holder.children);
      then();
    }).catch(function () { everyCardUrl = null; then(); });  // offline: filter this page's cards
  }

  function apply(remember) {
    var chosen = current();
    var filtered = FACETS.some(function (name) { return chosen[name]; });
    var wholeList = filtered || chosen.sort !== "name";
    if (wholeList && everyCardUrl && !allCards) return fetchAll(function () { apply(remember); });
    var wanted = wholeList && allCards ? allCards : pageCards;
    if (wanted !== cards) {
      cards.forEach(function (card) { card.remove(); });
      cards = wanted;
      if (pager) pager.hidden = cards === allCards;
    }
    var shown = 0;
    cards.forEach(function (card) {
      var ok = matches(card, chosen);
      card.hidden = !ok;
      if (ok) shown += 1;
    });
    cards.slice().sort(sorter(chosen.sort)).forEach(function (card) { list.appendChild(card); });
    var text = filtered ? template.replace("{shown}", numbers.format(shown)) : everything;
    if (count.textContent !== text) count.textContent = text;
    if (empty) empty.hidden = shown > 0;
    if (remember) {
      var query = new URLSearchParams();
      FACETS.concat("sort").forEach(function (name) {
        var value = chosen[name];
        if (value && !(name === "sort" && value === "name")) query.set(name, value);
      });
      var search = query.toString();
      history.replaceState(history.state, "", location.pathname + (search ? "?" + search : "") + location.hash);
    }
  }

  // Read a shared URL back; values the page does not offer are ignored.
  var params = new URLSearchParams(location.search);
  FACETS.concat("sort").forEach(function (name) {
    var select = form.elements[name];
    var value = params.get(name);
    if (value === null) return;
    select.value = value;
    if (select.value !== value) select.selectedIndex = 0;
  });

  form.hidden = false;
  if (browse) browse.hidden = true;
  var panel = form.querySelector("[data-filter-panel]");
  if (panel && (FACETS.some(function (name) { return form.elements[name].value; }) ||
                !window.matchMedia || window.matchMedia("(min-width: 40rem)").matches)) {
    panel.open = true;
  }
  form.addEventListener("change", function () { apply(true); });
  form.addEventListener("submit", function (event) { event.preventDefault(); apply(true); });
  // A reset button clears the selects first and fires no change event.
  form.addEventListener("reset", function () { setTimeout(function () { apply(true); }, 0); });
  apply(false);
})();
