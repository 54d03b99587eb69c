-- Rights per board, a facilitator's setting: what participants may do beyond their own work
-- (their own cards, adding wordings, editing the statement, creating groups and moving cards
-- between groups are always theirs). The sync server reads them when a connection opens and
-- enforces them on every update (update-guard.ts).
--
-- Anonymous boards: cards carry no author in the document, so no client ever receives who
-- wrote one. The sync server records the author here when it accepts a new card (in the
-- same statement that stores the update), so that the author can still edit and delete it.
-- A member may read only their own rows: nobody, facilitators included, learns another's.

alter table public.boards
  add column participants_edit_others boolean not null default false,
  add column participants_manage_groups boolean not null default false,
  add column participants_delete_wordings boolean not null default false,
  add column anonymous boolean not null default false;

grant update (participants_edit_others, participants_manage_groups, participants_delete_wordings, anonymous)
  on public.boards to authenticated;

create table public.card_authors (
  board_id uuid not null references public.boards on delete cascade,
  -- a key of the board document's `cards` map (the client chooses it; a UUID in practice)
  card_id text not null check (char_length(card_id) <= 200),
  member_id uuid not null references public.members on delete cascade,
  created_at timestamptz not null default now(),
  primary key (board_id, card_id)
);
create index card_authors_member on public.card_authors (member_id, board_id);

alter table public.card_authors enable row level security;

create policy "Members can read which cards they wrote themselves." on public.card_authors
  for select to authenticated using (member_id = (select auth.uid()));

revoke all on public.card_authors from anon, authenticated;
grant select on public.card_authors to authenticated;
grant all on public.card_authors to service_role;
