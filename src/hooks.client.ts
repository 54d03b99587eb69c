import '#lib/i18n-client.js';
