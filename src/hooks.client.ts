import '$lib/i18n-client';
