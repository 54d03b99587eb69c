import { expect, it } from 'vitest';
import * as Y from 'yjs';
import * as encoding from 'lib0/encoding';
import { addCard, addGroup, addVariant, cardsOf, deleteCard, editCardText, editVariantText, MAIN_VARIANT, moveCard, CARD_KEYS, GROUP_KEYS, VARIANT_KEYS, ROOTS, LIMITS } from './board-model';
import { checkBoardUpdate } from './update-guard';

function mulberry32(seed: number) { return () => { seed = (seed + 0x6d2b79f5) | 0; let t = Math.imul(seed ^ (seed >>> 15), 1 | seed); t = (t + Math.imul(t ^ (t >>> 7), 61 | t)) ^ t; return ((t ^ (t >>> 14)) >>> 0) / 4294967296; }; }

function problems(doc: Y.Doc): string[] {
	const out: string[] = [];
	const textOk = (t: unknown, max: number, w: string) => {
		if (!(t instanceof Y.Text) || t.constructor !== Y.Text) return out.push(w + ' not text');
		if (t.length > max) out.push(w + ' long');
		for (let i = t._start; i !== null; i = i.right) if (!i.deleted && !(i.content instanceof Y.ContentString)) out.push(w + ' content');
		if (t._map.size > 0) out.push(w + ' text attrs');
	};
	const fields = (m: Y.Map<unknown>, keys: readonly string[], w: string) => {
		if (m._start !== null) out.push(w + ' seq');
		for (const [k, v] of m.entries()) {
			if (!keys.includes(k)) out.push(w + ' key ' + k);
			if (k === 'text') continue;
			if (!(v === null || ['string', 'number', 'boolean'].includes(typeof v))) out.push(w + ' nonprim ' + k);
			if (typeof v === 'string' && v.length > LIMITS.fieldText) out.push(w + ' longfield');
		}
	};
	for (const [name, root] of doc.share) {
		const live = [...root._map.values()].filter((i) => !i.deleted);
		if (!(ROOTS as readonly string[]).includes(name)) { if (live.length || root._start) out.push('unknown root ' + name); continue; }
		if (root._start !== null) { for (let i: Y.Item | null = root._start; i; i = i.right) if (!i.deleted) out.push(name + ' seq'); }
		const max = name === 'cards' ? LIMITS.cards : name === 'groups' ? LIMITS.groups : LIMITS.variants;
		if (live.length > max) out.push(name + ' too many');
		for (const item of live) {
			const v = item.content.getContent()[item.length - 1];
			if (!(v instanceof Y.Map) || v.constructor !== Y.Map) { out.push(name + ' entry not map'); continue; }
			if (name === 'cards') { fields(v, CARD_KEYS, 'card'); if (v.has('text')) textOk(v.get('text'), LIMITS.cardText, 'card'); }
			else if (name === 'groups') fields(v, GROUP_KEYS, 'group');
			else { fields(v, VARIANT_KEYS, 'variant'); if (v.has('text')) textOk(v.get('text'), LIMITS.statementText, 'variant'); }
		}
	}
	return out;
}

function build(seed: number) {
	const server = new Y.Doc();
	const a = new Y.Doc(); const b = new Y.Doc();
	const upd: Uint8Array[] = [];
	const cap = (d: Y.Doc, fn: () => void) => { const us: Uint8Array[] = []; const h = (u: Uint8Array) => us.push(u); d.on('update', h); fn(); d.off('update', h); const u = Y.mergeUpdates(us); upd.push(u); return u; };
	const author = { memberId: 'm', name: 'n', organisation: 'o' };
	let c1 = '', c2 = '', g = '';
	Y.applyUpdate(server, cap(a, () => { c1 = addCard(a, { author, text: 'hello world' }); c2 = addCard(a, { author, text: 'second' }); g = addGroup(a, 'G'); editVariantText(a, MAIN_VARIANT, 'statement'); }));
	Y.applyUpdate(b, Y.encodeStateAsUpdate(server));
	Y.applyUpdate(server, cap(a, () => { editCardText(a, c1, 'hello brave world'); moveCard(a, c1, g); }));
	Y.applyUpdate(server, cap(b, () => { editCardText(b, c2, 'second card'); }));
	Y.applyUpdate(server, cap(a, () => deleteCard(a, c2)));
	// pending ones
	cap(a, () => { editCardText(a, c1, 'hello brave new world'); addCard(a, { author, text: 'third' }); });
	cap(b, () => { addVariant(b, 'alt', MAIN_VARIANT); editCardText(b, c1, 'hi world'); });
	upd.push(Y.encodeStateAsUpdate(a)); upd.push(Y.encodeStateAsUpdate(b));
	return { server, upd, ids: [c1, c2, g] };
}

type RS = { kind: 'gc' | 'skip'; client: number; clock: number; len: number } | { kind: 'item'; client: number; clock: number; origin: Y.ID | null; right: Y.ID | null; parent: string | Y.ID | null; sub: string | null; content: Y.AbstractContent };

function encode(sections: { client: number; clock: number; structs: RS[] }[], ds: Map<number, { clock: number; len: number }[]>) {
	const enc = new Y.UpdateEncoderV1();
	encoding.writeVarUint(enc.restEncoder, sections.length);
	for (const sec of sections) {
		encoding.writeVarUint(enc.restEncoder, sec.structs.length); enc.writeClient(sec.client); encoding.writeVarUint(enc.restEncoder, sec.clock);
		let clock = sec.clock;
		for (const s of sec.structs) {
			if (s.kind === 'gc') { enc.writeInfo(0); enc.writeLen(s.len); clock += s.len; }
			else if (s.kind === 'skip') { enc.writeInfo(10); encoding.writeVarUint(enc.restEncoder, s.len); clock += s.len; }
			else { const it = new Y.Item(Y.createID(sec.client, clock), null, s.origin, null, s.right, (s.origin || s.right ? null : s.parent) as never, s.origin || s.right ? null : s.sub, s.content); it.write(enc, 0); clock += it.length; }
		}
	}
	encoding.writeVarUint(enc.restEncoder, ds.size);
	for (const [client, rs] of ds) { enc.resetDsCurVal(); encoding.writeVarUint(enc.restEncoder, client); encoding.writeVarUint(enc.restEncoder, rs.length); for (const r of rs) { enc.writeDsClock(r.clock); enc.writeDsLen(r.len); } }
	return enc.toUint8Array();
}

it('structural fuzz', () => {
	const N = Number(process.env.FUZZ_N ?? 20000);
	const seed0 = Number(process.env.FUZZ_SEED ?? 1);
	let accepted = 0, applied = 0;
	const reasons = new Map<string, number>();
	const { server, upd } = build(seed0);
	const base = Y.encodeStateAsUpdate(server);
	const allIds: Y.ID[] = [];
	for (const [client, structs] of server.store.clients) for (const s of structs) for (let k = 0; k < s.length; k += Math.max(1, Math.floor(s.length / 3))) allIds.push(Y.createID(client, s.id.clock + k));
	const decodedAll = upd.map((u) => Y.decodeUpdate(u));
	for (const d of decodedAll) for (const s of d.structs) allIds.push(s.id);
	const keys = ['text', 'author', 'colour', 'title', 'label', 'order', 'group', 'evil', ...(['x', 'y'])];
	const rnd = mulberry32(seed0);
	const pick = <T,>(arr: T[]): T => arr[Math.floor(rnd() * arr.length)];
	const contents = () => pick<() => Y.AbstractContent>([
		() => new Y.ContentString('abc'), () => new Y.ContentString('x'.repeat(Math.floor(rnd() * 1200))), () => new Y.ContentAny(['v']), () => new Y.ContentAny(['m']), () => new Y.ContentAny([{ a: 1 }]), () => new Y.ContentAny(['z'.repeat(300)]),
		() => new Y.ContentDeleted(1 + Math.floor(rnd() * 3)), () => new Y.ContentType(new Y.Map()), () => new Y.ContentType(new Y.Text()), () => new Y.ContentType(new Y.Array()), () => new Y.ContentType(new Y.XmlText()),
		() => new Y.ContentFormat('b', true), () => new Y.ContentEmbed({}), () => new Y.ContentBinary(new Uint8Array(1)), () => new Y.ContentJSON([1]), () => new Y.ContentDoc(new Y.Doc())
	])();
	for (let i = 0; i < N; i++) {
		const src = pick(decodedAll);
		// rebuild sections
		let sections: { client: number; clock: number; structs: RS[] }[] = [];
		for (const s of src.structs) {
			let sec = sections[sections.length - 1];
			if (!sec || sec.client !== s.id.client) { sec = { client: s.id.client, clock: s.id.clock, structs: [] }; sections.push(sec); }
			if (s instanceof Y.Item) sec.structs.push({ kind: 'item', client: s.id.client, clock: s.id.clock, origin: s.origin, right: s.rightOrigin, parent: s.parent as never, sub: s.parentSub, content: s.content });
			else sec.structs.push({ kind: s instanceof Y.GC ? 'gc' : 'skip', client: s.id.client, clock: s.id.clock, len: s.length });
		}
		const ds = new Map([...src.ds.clients].map(([c, rs]) => [c, rs.map((r) => ({ clock: r.clock, len: r.len }))]));
		const muts = 1 + Math.floor(rnd() * 3);
		for (let m = 0; m < muts; m++) {
			const r = rnd();
			const sec = sections.length ? pick(sections) : null;
			const st = sec && sec.structs.length ? pick(sec.structs) : null;
			if (r < 0.15 && st && st.kind === 'item') { st.origin = rnd() < 0.2 ? null : pick(allIds); }
			else if (r < 0.25 && st && st.kind === 'item') { st.right = rnd() < 0.5 ? null : pick(allIds); }
			else if (r < 0.35 && st && st.kind === 'item') { st.origin = null; st.right = null; st.parent = rnd() < 0.4 ? pick(['cards', 'groups', 'statements', 'evil']) : pick(allIds); st.sub = rnd() < 0.3 ? null : pick([...keys, 'id1']); }
			else if (r < 0.5 && st && st.kind === 'item') { st.content = contents(); }
			else if (r < 0.55 && st && st.kind === 'item') { st.sub = pick(keys); }
			else if (r < 0.62 && sec) { sec.clock = Math.max(0, sec.clock + Math.floor(rnd() * 7) - 3); }
			else if (r < 0.67 && sec) { sec.client = pick([...sections.map((s) => s.client), 12345]); }
			else if (r < 0.72 && sec && sec.structs.length) { sec.structs.splice(Math.floor(rnd() * sec.structs.length), 1); }
			else if (r < 0.77 && sec) { sec.structs.splice(Math.floor(rnd() * (sec.structs.length + 1)), 0, { kind: pick(['gc', 'skip'] as const), client: 0, clock: 0, len: 1 + Math.floor(rnd() * 3) }); }
			else if (r < 0.82) { const id = pick(allIds); ds.set(id.client, [...(ds.get(id.client) ?? []), { clock: id.clock, len: 1 + Math.floor(rnd() * 20) }]); }
			else if (r < 0.87 && sections.length > 1) { sections = sections.reverse(); }
			else if (r < 0.92 && sec) { sections.push({ client: pick([sec.client, 999]), clock: Math.floor(rnd() * 40), structs: [{ kind: 'item', client: 0, clock: 0, origin: rnd() < 0.5 ? pick(allIds) : null, right: null, parent: pick(allIds), sub: rnd() < 0.5 ? pick(keys) : null, content: contents() }] }); }
			else if (sec && st && st.kind === 'item') { st.origin = Y.createID(sec.client, st.clock + Math.floor(rnd() * 5) - 2); }
		}
		let u: Uint8Array;
		try { u = encode(sections, ds); } catch { continue; }
		const memberId = rnd() < 0.7 ? 'm' : null;
		const before = Y.encodeStateVector(server);
		const res = checkBoardUpdate(server, u, { memberId });
		reasons.set(res.ok ? 'ok' : res.reason, (reasons.get(res.ok ? 'ok' : res.reason) ?? 0) + 1);
		if (!res.ok) continue;
		accepted++;
		const copy = new Y.Doc(); Y.applyUpdate(copy, base);
		const copyBefore = Y.encodeStateAsUpdate(copy);
		try { Y.applyUpdate(copy, u); } catch (e) { Y.logUpdate(u); throw new Error(`case ${i}: apply threw ${e}`); }
		if (copy.store.pendingStructs || copy.store.pendingDs) { Y.logUpdate(u); throw new Error(`case ${i}: pending`); }
		const p = problems(copy);
		if (p.length) { Y.logUpdate(u); throw new Error(`case ${i}: ${p.join(', ')}`); }
		if (memberId) {
			// new cards must be stamped with memberId
			for (const [k, item] of cardsOf(copy)._map) { if (item.deleted) continue; const m = item.content.getContent()[0] as Y.Map<unknown>; if (!Y.encodeStateAsUpdate(copy).length) continue; const existed = cardsOf((() => { const d = new Y.Doc(); Y.applyUpdate(d, copyBefore); return d; })()).get(k) === m; void existed; }
		}
		if (!Y.equalDeleteSets || Y.encodeStateAsUpdate(copy).length !== copyBefore.length) applied++;
		void before;
	}
	console.log('structural fuzz', { N, accepted, applied, reasons: Object.fromEntries(reasons) });
	expect(true).toBe(true);
});
