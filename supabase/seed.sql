-- The demo workshop (DOMAIN.md): the national cluster strategy workshop held in Balatonfüred on
-- 3–4 June 2021, in Hungarian as it was held (join code BFURED), and its English twin for
-- English-speaking visitors (join code BFUREN). Facilitator links /f/demo-… below.
-- Applied by `supabase db reset`, and by the app on its first start with an empty database.
--
-- This file holds the rows: workshops, boards, organisations, members. The boards' content
-- (cards, groups, the mission's wordings, the goals, a revealed dot-voting round) is written by
-- the app itself on that first start (src/lib/server/demo/seed-demo.ts), through the sync
-- server and the ballot function, signed by the members below. `supabase db reset` alone
-- gives the demo's rows with empty boards.

-- Hungarian -------------------------------------------------------------------------------

insert into public.workshops (id, title, starts_on, venue, language, template, join_code)
values ('00000000-0000-4000-8000-000000000001', 'Nemzeti klaszterstratégiai műhely', '2021-06-03',
        'Balatonfüred', 'hu', 'strategy', 'BFURED')
on conflict do nothing;

insert into public.workshop_secrets (workshop_id, facilitator_key)
values ('00000000-0000-4000-8000-000000000001', 'demo-facilitator-balatonfured-2021-roundtable')
on conflict do nothing;

insert into public.boards (id, workshop_id, position, kind, title, prompt) values
  ('00000000-0000-4000-8000-0000000000b1', '00000000-0000-4000-8000-000000000001', 0, 'values', 'Értékek',
   'Milyen értéket adnak a klaszterek a nemzetgazdaságnak?'),
  ('00000000-0000-4000-8000-0000000000b2', '00000000-0000-4000-8000-000000000001', 1, 'mission', 'Küldetés',
   'Miért vannak a klaszterek? Fogalmazzuk meg a küldetést egy-két mondatban.'),
  ('00000000-0000-4000-8000-0000000000b3', '00000000-0000-4000-8000-000000000001', 2, 'vision', 'Jövőkép',
   'Hol tartsanak a magyar klaszterek tíz év múlva?'),
  ('00000000-0000-4000-8000-0000000000b4', '00000000-0000-4000-8000-000000000001', 3, 'goals', 'Hosszú távú célok',
   'Milyen célokat tűzzön ki a stratégia? Mindegyikhez adjon mutatót, célértéket és évszámot.')
on conflict do nothing;

insert into public.organisations (id, workshop_id, name) values
  ('00000000-0000-4000-8000-0000000000a1', '00000000-0000-4000-8000-000000000001', 'Innoskart IKT Klaszter'),
  ('00000000-0000-4000-8000-0000000000a2', '00000000-0000-4000-8000-000000000001', 'NOHAC Észak-magyarországi Autóipari Klaszter'),
  ('00000000-0000-4000-8000-0000000000a3', '00000000-0000-4000-8000-000000000001', 'Pannon Fa- és Bútoripari Akkreditált Innovációs Klaszter'),
  ('00000000-0000-4000-8000-0000000000a4', '00000000-0000-4000-8000-000000000001', 'Pannon Business Network Egyesület'),
  ('00000000-0000-4000-8000-0000000000a5', '00000000-0000-4000-8000-000000000001', 'IQ Kecskemét'),
  ('00000000-0000-4000-8000-0000000000a6', '00000000-0000-4000-8000-000000000001', 'Ipar 4.0 Technológiai Központ (BME)')
on conflict do nothing;

insert into public.members (id, workshop_id, organisation_id, name, role) values
  ('00000000-0000-4000-8000-0000000000f1', '00000000-0000-4000-8000-000000000001', null, 'Molnár Judit', 'facilitator'),
  ('00000000-0000-4000-8000-0000000000c1', '00000000-0000-4000-8000-000000000001', '00000000-0000-4000-8000-0000000000a1', 'Kovács Anna', 'participant'),
  ('00000000-0000-4000-8000-0000000000c2', '00000000-0000-4000-8000-000000000001', '00000000-0000-4000-8000-0000000000a2', 'Szabó Péter', 'participant'),
  ('00000000-0000-4000-8000-0000000000c3', '00000000-0000-4000-8000-000000000001', '00000000-0000-4000-8000-0000000000a2', 'Tóth Eszter', 'participant'),
  ('00000000-0000-4000-8000-0000000000c4', '00000000-0000-4000-8000-000000000001', '00000000-0000-4000-8000-0000000000a3', 'Horváth Gábor', 'participant'),
  ('00000000-0000-4000-8000-0000000000c5', '00000000-0000-4000-8000-000000000001', '00000000-0000-4000-8000-0000000000a4', 'Nagy Katalin', 'participant'),
  ('00000000-0000-4000-8000-0000000000c6', '00000000-0000-4000-8000-000000000001', '00000000-0000-4000-8000-0000000000a5', 'Varga László', 'participant'),
  ('00000000-0000-4000-8000-0000000000c7', '00000000-0000-4000-8000-000000000001', '00000000-0000-4000-8000-0000000000a6', 'Kiss Zsófia', 'observer'),
  ('00000000-0000-4000-8000-0000000000c8', '00000000-0000-4000-8000-000000000001', '00000000-0000-4000-8000-0000000000a6', 'Fekete Balázs', 'participant')
on conflict do nothing;

-- English -----------------------------------------------------------------------------------

insert into public.workshops (id, title, starts_on, venue, language, template, join_code)
values ('00000000-0000-4000-8000-000000000002', 'National Cluster Strategy Workshop', '2021-06-03',
        'Balatonfüred', 'en', 'strategy', 'BFUREN')
on conflict do nothing;

insert into public.workshop_secrets (workshop_id, facilitator_key)
values ('00000000-0000-4000-8000-000000000002', 'demo-facilitator-balatonfured-2021-roundtable-en')
on conflict do nothing;

insert into public.boards (id, workshop_id, position, kind, title, prompt) values
  ('00000000-0000-4000-8000-0000000002b1', '00000000-0000-4000-8000-000000000002', 0, 'values', 'Values',
   'What value do clusters give the national economy?'),
  ('00000000-0000-4000-8000-0000000002b2', '00000000-0000-4000-8000-000000000002', 1, 'mission', 'Mission',
   'Why do clusters exist? Draft the mission in one or two sentences.'),
  ('00000000-0000-4000-8000-0000000002b3', '00000000-0000-4000-8000-000000000002', 2, 'vision', 'Vision',
   'Where should Hungarian clusters be in ten years?'),
  ('00000000-0000-4000-8000-0000000002b4', '00000000-0000-4000-8000-000000000002', 3, 'goals', 'Long-term goals',
   'Which goals should the strategy set? Give each an indicator, a target and a year.')
on conflict do nothing;

insert into public.organisations (id, workshop_id, name) values
  ('00000000-0000-4000-8000-0000000002a1', '00000000-0000-4000-8000-000000000002', 'Innoskart ICT Cluster'),
  ('00000000-0000-4000-8000-0000000002a2', '00000000-0000-4000-8000-000000000002', 'NOHAC North Hungarian Automotive Cluster'),
  ('00000000-0000-4000-8000-0000000002a3', '00000000-0000-4000-8000-000000000002', 'Pannon Wood and Furniture Industry Accredited Innovation Cluster'),
  ('00000000-0000-4000-8000-0000000002a4', '00000000-0000-4000-8000-000000000002', 'Pannon Business Network Association'),
  ('00000000-0000-4000-8000-0000000002a5', '00000000-0000-4000-8000-000000000002', 'IQ Kecskemét'),
  ('00000000-0000-4000-8000-0000000002a6', '00000000-0000-4000-8000-000000000002', 'Industry 4.0 Technology Centre (BME)')
on conflict do nothing;

insert into public.members (id, workshop_id, organisation_id, name, role) values
  ('00000000-0000-4000-8000-0000000002f1', '00000000-0000-4000-8000-000000000002', null, 'Judit Molnár', 'facilitator'),
  ('00000000-0000-4000-8000-0000000002c1', '00000000-0000-4000-8000-000000000002', '00000000-0000-4000-8000-0000000002a1', 'Anna Kovács', 'participant'),
  ('00000000-0000-4000-8000-0000000002c2', '00000000-0000-4000-8000-000000000002', '00000000-0000-4000-8000-0000000002a2', 'Péter Szabó', 'participant'),
  ('00000000-0000-4000-8000-0000000002c3', '00000000-0000-4000-8000-000000000002', '00000000-0000-4000-8000-0000000002a2', 'Eszter Tóth', 'participant'),
  ('00000000-0000-4000-8000-0000000002c4', '00000000-0000-4000-8000-000000000002', '00000000-0000-4000-8000-0000000002a3', 'Gábor Horváth', 'participant'),
  ('00000000-0000-4000-8000-0000000002c5', '00000000-0000-4000-8000-000000000002', '00000000-0000-4000-8000-0000000002a4', 'Katalin Nagy', 'participant'),
  ('00000000-0000-4000-8000-0000000002c6', '00000000-0000-4000-8000-000000000002', '00000000-0000-4000-8000-0000000002a5', 'László Varga', 'participant'),
  ('00000000-0000-4000-8000-0000000002c7', '00000000-0000-4000-8000-000000000002', '00000000-0000-4000-8000-0000000002a6', 'Zsófia Kiss', 'observer'),
  ('00000000-0000-4000-8000-0000000002c8', '00000000-0000-4000-8000-000000000002', '00000000-0000-4000-8000-0000000002a6', 'Balázs Fekete', 'participant')
on conflict do nothing;

-- The follow-up meeting (issue #19): the draft strategy presented and discussed at the Cluster
-- Managers' Club in Debrecen, 8–9 July 2021 (seed 004). Created as the follow-up of the
-- Balatonfüred workshop, as the app does it: the same boards (each continuing its
-- predecessor), the same organisations, its own facilitator; the participants join again with
-- its own code. seed-demo.ts starts each board from the statement Balatonfüred ended with and
-- writes the rewording discussed in Debrecen.

insert into public.workshops (id, title, starts_on, venue, language, template, join_code, follows)
values ('00000000-0000-4000-8000-000000000003', 'Klasztermenedzser Klub – a stratégiatervezet vitája', '2021-07-08',
        'Debrecen', 'hu', 'strategy', 'DEBREC', '00000000-0000-4000-8000-000000000001'),
       ('00000000-0000-4000-8000-000000000004', 'Cluster Managers'' Club – discussing the draft strategy', '2021-07-08',
        'Debrecen', 'en', 'strategy', 'DEBREN', '00000000-0000-4000-8000-000000000002')
on conflict do nothing;

insert into public.workshop_secrets (workshop_id, facilitator_key) values
  ('00000000-0000-4000-8000-000000000003', 'demo-facilitator-debrecen-2021-roundtable'),
  ('00000000-0000-4000-8000-000000000004', 'demo-facilitator-debrecen-2021-roundtable-en')
on conflict do nothing;

insert into public.boards (id, workshop_id, position, kind, title, prompt, continues)
select replace(b.id::text, '0000000000b', '0000000003b')::uuid, '00000000-0000-4000-8000-000000000003'::uuid, b.position, b.kind, b.title, b.prompt, b.id
from public.boards b where b.workshop_id = '00000000-0000-4000-8000-000000000001'
union all
select replace(b.id::text, '0000000002b', '0000000004b')::uuid, '00000000-0000-4000-8000-000000000004'::uuid, b.position, b.kind, b.title, b.prompt, b.id
from public.boards b where b.workshop_id = '00000000-0000-4000-8000-000000000002'
on conflict do nothing;

insert into public.organisations (id, workshop_id, name)
select replace(o.id::text, '0000000000a', '0000000003a')::uuid, '00000000-0000-4000-8000-000000000003'::uuid, o.name
from public.organisations o where o.workshop_id = '00000000-0000-4000-8000-000000000001'
union all
select replace(o.id::text, '0000000002a', '0000000004a')::uuid, '00000000-0000-4000-8000-000000000004'::uuid, o.name
from public.organisations o where o.workshop_id = '00000000-0000-4000-8000-000000000002'
on conflict do nothing;

insert into public.members (id, workshop_id, organisation_id, name, role) values
  ('00000000-0000-4000-8000-0000000003f1', '00000000-0000-4000-8000-000000000003', null, 'Molnár Judit', 'facilitator'),
  ('00000000-0000-4000-8000-0000000004f1', '00000000-0000-4000-8000-000000000004', null, 'Judit Molnár', 'facilitator')
on conflict do nothing;
