/* global document, window */
// Progressive enhancement only: every page works without JavaScript.
import { initAll } from '/assets/govuk/govuk-frontend.min.js';
initAll();

// A print button (intelligence record): shown only with JavaScript (.app-js-only), it opens the
// browser's print dialogue; the print stylesheet (app.css) decides what is printed.
for (const button of document.querySelectorAll('[data-module="app-print"]')) {
  button.addEventListener('click', () => window.print());
}
