export { formatContribution, formatNumber, formatPercent, formatTotal, intlLocale, listText, rankText, unitLabel } from './results';
