-- Persistence of the live documents (one Y.Doc per board, draft and workshop control).
-- Every accepted update is appended to board_updates before anyone else sees it; a
-- compaction merges a document's log into board_states (Yjs v2 encoding) and deletes the
-- rows it covers. Loading a document = its state + the later updates, in seq order.
-- Only the sync server touches these tables: no policy grants anything to API roles, so
-- draft contents and ballots-to-be can never be read through SQL as a member.

create table public.board_updates (
  seq bigint generated always as identity primary key,
  workshop_id uuid not null references public.workshops on delete cascade,
  doc text not null check (char_length(doc) <= 200),
  data bytea not null,
  created_at timestamptz not null default now()
);
create index board_updates_doc on public.board_updates (doc, seq);
create index board_updates_workshop on public.board_updates (workshop_id);

create table public.board_states (
  doc text primary key check (char_length(doc) <= 200),
  workshop_id uuid not null references public.workshops on delete cascade,
  state bytea not null,
  upto bigint not null,
  updated_at timestamptz not null default now()
);
create index board_states_workshop on public.board_states (workshop_id);

alter table public.board_updates enable row level security;
alter table public.board_states enable row level security;
revoke all on public.board_updates, public.board_states from anon, authenticated;
grant all on public.board_updates, public.board_states to service_role;
