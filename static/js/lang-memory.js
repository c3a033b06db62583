// A screen keeps the language its link asked for (/stage?lang=en) across reloads: the
// language is remembered for this page's path in this browser, and a later visit without
// `?lang` comes back to it. Links to the other pages carry it on. (A classic script in
// <head>: it runs before the page paints.)
(function keepLanguage() {
  const key = `runshow.lang:${location.pathname}`;
  const params = new URLSearchParams(location.search);
  const asked = params.get('lang');
  const spoken = document.documentElement.lang;
  try {
    if (asked) {
      localStorage.setItem(key, spoken);
    } else {
      const kept = localStorage.getItem(key);
      if (kept && kept !== spoken) {
        params.set('lang', kept);
        location.replace(`${location.pathname}?${params}${location.hash}`);
        return;
      }
    }
  } catch {
    // storage refused (a private window): the link's language still holds for this visit
  }
  if (!asked) return;
  document.addEventListener('DOMContentLoaded', () => {
    for (const link of document.querySelectorAll('a[href^="/"]')) {
      const url = new URL(link.href, location.href);
      if (url.searchParams.has('lang') || url.pathname.startsWith('/static/')) continue;
      url.searchParams.set('lang', spoken);
      link.href = `${url.pathname}${url.search}${url.hash}`;
    }
  });
})();
