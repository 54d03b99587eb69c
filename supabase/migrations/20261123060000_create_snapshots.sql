-- Snapshots of boards, read-only share links, and the workshop report's share link.
--
-- A snapshot keeps a board's Yjs state (v2 encoding) and a plain rendering (JSON: groups, cards
-- with their authors' organisations, the statement's wordings, the results of its rounds as
-- aggregates). Members read their workshop's snapshots; facilitators take, share, revoke and
-- delete them. Anyone holding a share token reads that one snapshot through
-- snapshot_by_token, and nothing else: a revoked token is a null token.

alter table public.boards add column snapshot_on_phase boolean not null default false;
grant update (snapshot_on_phase) on public.boards to authenticated;

create table public.snapshots (
  id uuid primary key default gen_random_uuid(),
  workshop_id uuid not null references public.workshops on delete cascade,
  board_id uuid not null,
  title text not null check (char_length(title) between 1 and 120),
  taken_at timestamptz not null default now(),
  taken_by uuid references public.members on delete set null,
  trigger text not null default 'manual' check (trigger in ('manual', 'phase')),
  state bytea not null,
  rendering jsonb not null,
  -- 32 random bytes, base64url: 256 bits
  share_token text unique check (share_token ~ '^[A-Za-z0-9_-]{43}$'),
  shared_at timestamptz,
  foreign key (board_id, workshop_id) references public.boards (id, workshop_id) on delete cascade
);
create index snapshots_board on public.snapshots (board_id, taken_at desc);

create table public.report_shares (
  workshop_id uuid primary key references public.workshops on delete cascade,
  share_token text not null unique check (share_token ~ '^[A-Za-z0-9_-]{43}$'),
  shared_at timestamptz not null default now()
);

alter table public.snapshots enable row level security;
alter table public.report_shares enable row level security;

create policy "Members can read their workshop's snapshots." on public.snapshots
  for select to authenticated using (public.member_role(workshop_id) is not null);
create policy "Facilitators can take snapshots." on public.snapshots
  for insert to authenticated with check (public.is_facilitator(workshop_id) and taken_by = (select auth.uid()));
create policy "Facilitators can share and rename snapshots." on public.snapshots
  for update to authenticated using (public.is_facilitator(workshop_id)) with check (public.is_facilitator(workshop_id));
create policy "Facilitators can delete snapshots." on public.snapshots
  for delete to authenticated using (public.is_facilitator(workshop_id));

create policy "Facilitators can read the report's share link." on public.report_shares
  for select to authenticated using (public.is_facilitator(workshop_id));
create policy "Facilitators can share the report." on public.report_shares
  for insert to authenticated with check (public.is_facilitator(workshop_id));
create policy "Facilitators can revoke the report's share link." on public.report_shares
  for delete to authenticated using (public.is_facilitator(workshop_id));

revoke all on public.snapshots, public.report_shares from anon, authenticated;
grant select (id, workshop_id, board_id, title, taken_at, taken_by, trigger, state, rendering, share_token, shared_at),
  delete on public.snapshots to authenticated;
grant insert (workshop_id, board_id, title, taken_by, trigger, state, rendering) on public.snapshots to authenticated;
grant update (title, share_token, shared_at) on public.snapshots to authenticated;
grant select, insert, delete on public.report_shares to authenticated;
grant all on public.snapshots, public.report_shares to service_role;

-- The one snapshot a share token names, for anyone (role anon). Unknown and revoked tokens
-- find nothing.
create function public.snapshot_by_token(p_token text)
returns table (id uuid, title text, taken_at timestamptz, rendering jsonb)
language sql stable security definer set search_path = '' as $$
  select s.id, s.title, s.taken_at, s.rendering from public.snapshots s
  where p_token ~ '^[A-Za-z0-9_-]{43}$' and s.share_token = p_token
$$;

-- The workshop whose report a share token names.
create function public.report_by_token(p_token text) returns uuid
language sql stable security definer set search_path = '' as $$
  select r.workshop_id from public.report_shares r
  where p_token ~ '^[A-Za-z0-9_-]{43}$' and r.share_token = p_token
$$;

revoke execute on function public.snapshot_by_token(text), public.report_by_token(text) from public;
grant execute on function public.snapshot_by_token(text), public.report_by_token(text) to anon, authenticated, service_role;
