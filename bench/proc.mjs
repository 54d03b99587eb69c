// What a server process and the machine use, from /proc: CPU seconds, memory, the processes
// under a pid; and the arithmetic the reports share.
import { readFileSync, readdirSync } from 'node:fs';

/** /proc/<pid>/stat: utime + stime in seconds (fields 14 and 15) and the parent pid. */
export function procStat(pid) {
	try {
		const text = readFileSync(`/proc/${pid}/stat`, 'utf8');
		const fields = text.slice(text.lastIndexOf(')') + 2).split(' ');
		return { ppid: Number(fields[1]), cpu: (Number(fields[11]) + Number(fields[12])) / 100 };
	} catch {
		return null;
	}
}

/** A field of /proc/<pid>/status in MB (VmRSS, VmHWM, …). */
export function procStatus(pid, field) {
	try {
		const m = new RegExp(`^${field}:\\s+(\\d+) kB`, 'm').exec(readFileSync(`/proc/${pid}/status`, 'utf8'));
		return m ? Number(m[1]) / 1024 : null;
	} catch {
		return null;
	}
}

/** Every process under `pid` (embedded Postgres: postmaster, backends, background workers). */
export function descendants(pid) {
	const children = new Map();
	for (const entry of readdirSync('/proc')) {
		if (!/^\d+$/.test(entry)) continue;
		const stat = procStat(entry);
		if (!stat) continue;
		if (!children.has(stat.ppid)) children.set(stat.ppid, []);
		children.get(stat.ppid).push(Number(entry));
	}
	const out = [];
	const stack = [...(children.get(pid) ?? [])];
	while (stack.length) {
		const p = stack.pop();
		out.push(p);
		stack.push(...(children.get(p) ?? []));
	}
	return out;
}

export function cpuOf(pids) {
	const out = new Map();
	for (const p of pids) {
		const s = procStat(p);
		if (s) out.set(p, s.cpu);
	}
	return out;
}

/** CPU seconds the processes of `before` (from cpuOf) used since, plus any new ones under `pid`. */
export function cpuSince(before, pids) {
	let total = 0;
	for (const [p, c] of cpuOf(pids)) total += c - (before.get(p) ?? 0);
	return total;
}

/** All CPUs together, from /proc/stat: busy, steal and total jiffies. */
export function machineCpu() {
	const [, ...fields] = readFileSync('/proc/stat', 'utf8').split('\n')[0].trim().split(/\s+/);
	const [user, nice, system, idle, iowait, irq, softirq, steal] = fields.map(Number);
	const total = user + nice + system + idle + iowait + irq + softirq + steal;
	return { busy: user + nice + system + irq + softirq, steal, total };
}

export function navigatorCores() {
	return readFileSync('/proc/cpuinfo', 'utf8')
		.split('\n')
		.filter((l) => l.startsWith('processor')).length;
}

export function percentile(sorted, p) {
	if (!sorted.length) return NaN;
	return sorted[Math.min(sorted.length - 1, Math.max(0, Math.ceil((p / 100) * sorted.length) - 1))];
}

export const r1 = (x) => Math.round(x * 10) / 10;
export const r2 = (x) => Math.round(x * 100) / 100;

/** The median of the finite numbers in `xs` (NaN for none). */
export function median(xs) {
	const s = xs.filter((x) => Number.isFinite(x)).sort((a, b) => a - b);
	if (!s.length) return NaN;
	const m = s.length >> 1;
	return s.length % 2 ? s[m] : (s[m - 1] + s[m]) / 2;
}
