-- Voting rounds and secret ballots.
--
-- A round is opened by a facilitator on a board over options frozen at that moment. Ballots
-- are secret data: no role may read `ballots` or `ballot_marks` directly (RLS on, no select
-- policy); they are written only by cast_ballot / cast_proxy_ballot, which check membership,
-- role, that the round is open and the method's rules, and read only as aggregates per
-- organisation (round_aggregate), as one's own ballot (my_ballot), or, in a named round
-- whose results are visible, by name (round_named_ballots).
--
-- A ballot is a set of marks (option, criterion, value); see src/lib/domain/voting/types.ts.
-- The same rules live in src/lib/domain/voting/rules.ts for the interface; this file decides.

-- People in the room without a device: a facilitator enters their ballot, and they exist as
-- members that never get a session.
alter table public.members add column deviceless boolean not null default false;

create table public.rounds (
  id uuid primary key default gen_random_uuid(),
  workshop_id uuid not null references public.workshops on delete cascade,
  board_id uuid not null,
  seq integer not null,
  title text not null default '' check (char_length(title) <= 120),
  method text not null check (method in ('dots', 'approval', 'score', 'ranking', 'budget')),
  source text not null check (source in ('cards', 'chosen', 'groups', 'variants', 'previous')),
  -- dots, maxPerOption, choices, top, budget, criteria: checked by open_round
  settings jsonb not null,
  anonymous boolean not null,
  results_live boolean not null,
  weighting text not null check (weighting in ('person', 'organisation')),
  status text not null default 'open' check (status in ('open', 'closed', 'revealed')),
  parent_round uuid references public.rounds on delete set null,
  opened_by uuid references public.members on delete set null,
  opened_at timestamptz not null default now(),
  closes_at timestamptz,
  closed_at timestamptz,
  revealed_at timestamptz,
  unique (board_id, seq),
  unique (id, workshop_id),
  foreign key (board_id, workshop_id) references public.boards (id, workshop_id) on delete cascade
);
create index rounds_workshop on public.rounds (workshop_id);
-- One open round per board: two at once would split the room.
create unique index rounds_one_open on public.rounds (board_id) where status = 'open';

create table public.round_options (
  round_id uuid not null references public.rounds on delete cascade,
  option_id text not null check (char_length(option_id) between 1 and 64),
  label text not null check (char_length(label) <= 5000),
  position integer not null,
  primary key (round_id, option_id)
);

create table public.ballots (
  round_id uuid not null references public.rounds on delete cascade,
  member_id uuid not null references public.members on delete cascade,
  -- the voter's organisation when the ballot was cast: weighting and totals per organisation
  organisation text not null,
  -- the facilitator who entered it for someone without a device
  proxy_by uuid references public.members on delete set null,
  cast_at timestamptz not null default now(),
  primary key (round_id, member_id)
);

create table public.ballot_marks (
  round_id uuid not null,
  member_id uuid not null,
  option_id text not null,
  criterion smallint not null check (criterion between 0 and 1),
  value integer not null check (value >= 1),
  primary key (round_id, member_id, option_id, criterion),
  foreign key (round_id, member_id) references public.ballots on delete cascade,
  foreign key (round_id, option_id) references public.round_options on delete cascade
);

alter table public.rounds enable row level security;
alter table public.round_options enable row level security;
alter table public.ballots enable row level security;
alter table public.ballot_marks enable row level security;

create policy "Members can read their workshop's rounds." on public.rounds
  for select to authenticated using (public.member_role(workshop_id) is not null);
create policy "Members can read the options of their workshop's rounds." on public.round_options
  for select to authenticated using (exists (
    select from public.rounds r where r.id = round_id and public.member_role(r.workshop_id) is not null));
-- ballots and ballot_marks: no policy at all. Nobody reads them but the functions below.
revoke all on public.rounds, public.round_options, public.ballots, public.ballot_marks from anon, authenticated;
grant all on public.rounds, public.round_options, public.ballots, public.ballot_marks to service_role;

-- ---------------------------------------------------------------------------------------

-- Whether the caller may see a round's results now.
create function public.round_results_visible(p_round public.rounds) returns boolean
language sql stable security definer set search_path = '' as $$
  select public.member_role(p_round.workshop_id) is not null
    and (p_round.status = 'revealed' or p_round.results_live
      or (p_round.status = 'closed' and public.is_facilitator(p_round.workshop_id)))
$$;

-- A round whose timer ran out is closed even before the server's sweep records it.
create function public.round_is_open(p_round public.rounds) returns boolean
language sql stable set search_path = '' as $$
  select p_round.status = 'open' and (p_round.closes_at is null or clock_timestamp() < p_round.closes_at)
$$;

create function public.open_round(
  p_board uuid, p_title text, p_method text, p_source text, p_settings jsonb,
  p_anonymous boolean, p_results_live boolean, p_weighting text, p_seconds integer,
  p_parent uuid, p_options jsonb
) returns uuid
language plpgsql volatile security definer set search_path = '' as $$
declare
  v_workshop uuid;
  v_round uuid;
  v_seq integer;
  v_count integer;
  v_criteria jsonb := p_settings -> 'criteria';
begin
  select b.workshop_id into v_workshop from public.boards b where b.id = p_board;
  if not found or not public.is_facilitator(v_workshop) then raise exception 'not_allowed'; end if;
  if p_method is null or p_method not in ('dots', 'approval', 'score', 'ranking', 'budget') then raise exception 'invalid_method'; end if;
  if jsonb_typeof(p_options) is distinct from 'array' then raise exception 'no_options'; end if;
  v_count := jsonb_array_length(p_options);
  if v_count = 0 then raise exception 'no_options'; end if;
  if v_count > 200 then raise exception 'too_many_options'; end if;
  if jsonb_typeof(p_settings) is distinct from 'object'
    or coalesce((p_settings ->> 'dots')::integer, 0) not between 1 and 50
    or coalesce((p_settings ->> 'maxPerOption')::integer, 0) not between 1 and 50
    or coalesce((p_settings ->> 'choices')::integer, 0) not between 1 and 200
    or coalesce((p_settings ->> 'top')::integer, 0) not between 1 and 10
    or coalesce((p_settings ->> 'budget')::integer, 0) not between 10 and 1000
    or jsonb_typeof(v_criteria) is distinct from 'array'
    or jsonb_array_length(v_criteria) not between 1 and 2
  then
    raise exception 'invalid_settings';
  end if;
  if p_seconds is not null and p_seconds not between 10 and 4 * 3600 then raise exception 'invalid_settings'; end if;
  if p_parent is not null and not exists (
    select from public.rounds r where r.id = p_parent and r.board_id = p_board and r.status <> 'open'
  ) then
    raise exception 'not_found';
  end if;
  -- one round after another on a board: serialise openings per board
  perform 1 from public.boards b where b.id = p_board for update;
  if exists (select from public.rounds r where r.board_id = p_board and r.status = 'open') then
    raise exception 'round_already_open';
  end if;
  select coalesce(max(r.seq), 0) + 1 into v_seq from public.rounds r where r.board_id = p_board;
  insert into public.rounds (workshop_id, board_id, seq, title, method, source, settings, anonymous,
      results_live, weighting, parent_round, opened_by, closes_at)
    values (v_workshop, p_board, v_seq, coalesce(left(btrim(p_title), 120), ''), p_method, p_source, p_settings,
      coalesce(p_anonymous, true), coalesce(p_results_live, false), coalesce(p_weighting, 'person'), p_parent,
      (select auth.uid()), case when p_seconds is null then null else now() + make_interval(secs => p_seconds) end)
    returning id into v_round;
  insert into public.round_options (round_id, option_id, label, position)
    select v_round, o ->> 'id', coalesce(o ->> 'label', ''), (n - 1)::integer
    from jsonb_array_elements(p_options) with ordinality as t(o, n);
  return v_round;
exception
  when unique_violation then raise exception 'round_already_open';
  when not_null_violation or check_violation or invalid_text_representation then raise exception 'invalid_settings';
end
$$;

create function public.close_round(p_round uuid) returns boolean
language plpgsql volatile security definer set search_path = '' as $$
declare
  v_round public.rounds;
begin
  -- FOR UPDATE waits for ballots being stored (they hold FOR KEY SHARE): none is counted after the close.
  select * into v_round from public.rounds r where r.id = p_round for update;
  if not found or not public.is_facilitator(v_round.workshop_id) then raise exception 'not_allowed'; end if;
  update public.rounds set status = 'closed', closed_at = now() where id = p_round and status = 'open';
  return found;
end
$$;

-- Closes the rounds whose timer ran out (the server's sweep; service role only).
create function public.close_due_rounds() returns table (round_id uuid, workshop_id uuid)
language sql volatile security definer set search_path = '' as $$
  update public.rounds r set status = 'closed', closed_at = r.closes_at
  where r.id in (select d.id from public.rounds d
                 where d.status = 'open' and d.closes_at <= clock_timestamp() for update)
  returning r.id, r.workshop_id
$$;

create function public.reveal_round(p_round uuid) returns boolean
language plpgsql volatile security definer set search_path = '' as $$
declare
  v_round public.rounds;
begin
  select * into v_round from public.rounds r where r.id = p_round for update;
  if not found or not public.is_facilitator(v_round.workshop_id) then raise exception 'not_allowed'; end if;
  update public.rounds set status = 'revealed', revealed_at = now(),
      closed_at = coalesce(closed_at, now())
    where id = p_round and status <> 'revealed';
  return found;
end
$$;

create type public.ballot_mark as (option text, criterion integer, value integer);

-- Checks a ballot against its round and stores it, replacing the member's earlier one.
-- Not callable by clients: cast_ballot and cast_proxy_ballot decide who the voter is.
create function public.store_ballot(p_round uuid, p_member uuid, p_marks jsonb, p_proxy_by uuid) returns void
language plpgsql volatile security definer set search_path = '' as $$
declare
  v_round public.rounds;
  v_member public.members;
  v_org text;
  v_n integer;
  v_criteria integer;
  v_marks public.ballot_mark[];
  s record;
begin
  -- FOR KEY SHARE: a close (which takes FOR UPDATE) waits for this ballot, and a ballot after
  -- the close sees it closed. Ballots do not wait for each other.
  select * into v_round from public.rounds r where r.id = p_round for key share;
  if not found then raise exception 'not_found'; end if;
  select * into v_member from public.members m where m.id = p_member and m.workshop_id = v_round.workshop_id;
  if not found then raise exception 'not_member'; end if;
  if v_member.role = 'observer' then raise exception 'observer'; end if;
  if not public.round_is_open(v_round) then raise exception 'round_closed'; end if;

  if jsonb_typeof(p_marks) is distinct from 'array' or jsonb_array_length(p_marks) = 0 then
    raise exception 'empty_ballot';
  end if;
  if jsonb_array_length(p_marks) > 400 then raise exception 'too_many_choices'; end if;
  -- every mark is {option: string, criterion: integer, value: integer}
  if exists (
    select from jsonb_array_elements(p_marks) e
    where jsonb_typeof(e) <> 'object'
      or jsonb_typeof(e -> 'option') is distinct from 'string'
      or jsonb_typeof(e -> 'criterion') is distinct from 'number'
      or jsonb_typeof(e -> 'value') is distinct from 'number'
      or (e ->> 'criterion') !~ '^[0-9]{1,3}$'
      or (e ->> 'value') !~ '^-?[0-9]{1,9}$'
  ) then
    raise exception 'out_of_range';
  end if;

  v_marks := array(select row(e ->> 'option', (e ->> 'criterion')::integer, (e ->> 'value')::integer)::public.ballot_mark
    from jsonb_array_elements(p_marks) e);

  if exists (select from unnest(v_marks) m where not exists (
    select from public.round_options o where o.round_id = p_round and o.option_id = m.option)) then
    raise exception 'unknown_option';
  end if;
  if exists (select from unnest(v_marks) group by option, criterion having count(*) > 1) then
    raise exception 'duplicate_mark';
  end if;

  v_criteria := case when v_round.method = 'score' then jsonb_array_length(v_round.settings -> 'criteria') else 1 end;
  if exists (select from unnest(v_marks) m where m.criterion >= v_criteria or m.value < 1
      or (v_round.method = 'approval' and m.value <> 1)
      or (v_round.method = 'score' and m.value > 5)
      or (v_round.method = 'ranking' and m.value > (v_round.settings ->> 'top')::integer)) then
    raise exception 'out_of_range';
  end if;

  select count(*) as n, sum(value) as total, max(value) as most, count(distinct value) as positions
    into s from unnest(v_marks);
  case v_round.method
    when 'dots' then
      if s.most > (v_round.settings ->> 'maxPerOption')::integer then raise exception 'over_max_per_option'; end if;
      if s.total > (v_round.settings ->> 'dots')::integer then raise exception 'over_budget'; end if;
    when 'budget' then
      if s.total > (v_round.settings ->> 'budget')::integer then raise exception 'over_budget'; end if;
    when 'approval' then
      if s.n > (v_round.settings ->> 'choices')::integer then raise exception 'too_many_choices'; end if;
    when 'ranking' then
      if s.n > (v_round.settings ->> 'top')::integer then raise exception 'too_many_choices'; end if;
      if s.positions < s.n then raise exception 'duplicate_position'; end if;
    else
      null;
  end case;

  select coalesce(o.name, '') into v_org from public.organisations o where o.id = v_member.organisation_id;
  insert into public.ballots (round_id, member_id, organisation, proxy_by)
    values (p_round, p_member, coalesce(v_org, ''), p_proxy_by)
    on conflict (round_id, member_id) do update
      set organisation = excluded.organisation, proxy_by = excluded.proxy_by, cast_at = now();
  -- the upsert holds the ballot's row lock: concurrent casts by one member take turns here
  delete from public.ballot_marks b where b.round_id = p_round and b.member_id = p_member;
  insert into public.ballot_marks (round_id, member_id, option_id, criterion, value)
    select p_round, p_member, m.option, m.criterion, m.value from unnest(v_marks) m;
end
$$;
revoke execute on function public.store_ballot(uuid, uuid, jsonb, uuid) from public;

create function public.cast_ballot(p_round uuid, p_marks jsonb) returns void
language plpgsql volatile security definer set search_path = '' as $$
declare
  v_workshop uuid;
  v_member uuid;
begin
  select r.workshop_id into v_workshop from public.rounds r where r.id = p_round;
  if not found then raise exception 'not_found'; end if;
  select m.id into v_member from public.members m
    where m.workshop_id = v_workshop and m.id = (select auth.uid()) and not m.deviceless;
  if not found then raise exception 'not_member'; end if;
  perform public.store_ballot(p_round, v_member, p_marks, null);
end
$$;

-- A facilitator enters the ballot of someone in the room without a device. The same name
-- and organisation on the same workshop is the same person: entering again replaces.
create function public.cast_proxy_ballot(p_round uuid, p_name text, p_organisation text, p_marks jsonb) returns uuid
language plpgsql volatile security definer set search_path = '' as $$
declare
  v_round public.rounds;
  v_name text := public.clean_text(p_name, 80);
  v_org_name text := public.clean_text(p_organisation, 120);
  v_org uuid;
  v_member uuid;
  v_facilitator uuid;
begin
  select * into v_round from public.rounds r where r.id = p_round;
  if not found or not public.is_facilitator(v_round.workshop_id) then raise exception 'not_allowed'; end if;
  if v_name is null or char_length(v_name) > 80 then raise exception 'invalid_name'; end if;
  if v_org_name is null or char_length(v_org_name) > 120 then raise exception 'invalid_organisation'; end if;
  if not public.round_is_open(v_round) then raise exception 'round_closed'; end if;
  select m.id into v_facilitator from public.members m
    where m.workshop_id = v_round.workshop_id and (m.id = (select auth.uid()) or m.user_id = (select auth.uid()))
    order by (m.role = 'facilitator') desc limit 1;
  insert into public.organisations (workshop_id, name) values (v_round.workshop_id, v_org_name)
    on conflict (workshop_id, lower(name)) do nothing;
  select o.id into v_org from public.organisations o
    where o.workshop_id = v_round.workshop_id and lower(o.name) = lower(v_org_name);
  -- one deviceless person per name and organisation
  perform pg_advisory_xact_lock(hashtextextended(v_round.workshop_id::text || lower(v_name) || v_org::text, 0));
  select m.id into v_member from public.members m
    where m.workshop_id = v_round.workshop_id and m.deviceless and lower(m.name) = lower(v_name) and m.organisation_id = v_org;
  if not found then
    insert into public.members (workshop_id, organisation_id, name, role, deviceless)
      values (v_round.workshop_id, v_org, v_name, 'participant', true)
      returning id into v_member;
  end if;
  perform public.store_ballot(p_round, v_member, p_marks, v_facilitator);
  return v_member;
end
$$;

create function public.my_ballot(p_round uuid)
returns table (option_id text, criterion smallint, value integer)
language sql stable security definer set search_path = '' as $$
  select b.option_id, b.criterion, b.value from public.ballot_marks b
  where b.round_id = p_round and b.member_id = (select auth.uid())
  order by b.option_id, b.criterion
$$;

-- The results of a round, never an individual ballot: per organisation, how many voted, and
-- how many ballots gave each value to each option and criterion. Only when the caller may
-- see results (round_results_visible).
create function public.round_aggregate(p_round uuid) returns jsonb
language plpgsql stable security definer set search_path = '' as $$
declare
  v_round public.rounds;
begin
  select * into v_round from public.rounds r where r.id = p_round;
  if not found or public.member_role(v_round.workshop_id) is null then raise exception 'not_found'; end if;
  if not public.round_results_visible(v_round) then raise exception 'results_hidden'; end if;
  return public.round_aggregate_of(p_round);
end
$$;

-- The aggregate without the visibility check: for the server (service role) that publishes
-- results to the control document once they are visible to everyone.
create function public.round_aggregate_of(p_round uuid) returns jsonb
language sql stable security definer set search_path = '' as $$
  select jsonb_build_object(
    'voters', coalesce((
      select jsonb_agg(jsonb_build_object('organisation', v.organisation, 'count', v.count, 'proxies', v.proxies)
        order by v.organisation)
      from (select b.organisation, count(*) as count, count(b.proxy_by) as proxies
            from public.ballots b where b.round_id = p_round group by b.organisation) v), '[]'::jsonb),
    'cells', coalesce((
      select jsonb_agg(jsonb_build_object('organisation', c.organisation, 'option', c.option_id,
          'criterion', c.criterion, 'value', c.value, 'count', c.count)
        order by c.organisation, c.option_id, c.criterion, c.value)
      from (select b.organisation, m.option_id, m.criterion, m.value, count(*) as count
            from public.ballot_marks m join public.ballots b using (round_id, member_id)
            where m.round_id = p_round group by 1, 2, 3, 4) c), '[]'::jsonb))
$$;
revoke execute on function public.round_aggregate_of(uuid) from public;
revoke execute on function public.close_due_rounds() from public;

-- Turnout: how many members and organisations have voted (no names). Any member may ask.
create function public.round_turnout(p_round uuid) returns table (voted bigint, organisations bigint, proxies bigint)
language plpgsql stable security definer set search_path = '' as $$
declare
  v_workshop uuid;
begin
  select r.workshop_id into v_workshop from public.rounds r where r.id = p_round;
  if not found or public.member_role(v_workshop) is null then raise exception 'not_found'; end if;
  return query select count(*), count(distinct nullif(b.organisation, '')), count(b.proxy_by)
    from public.ballots b where b.round_id = p_round;
end
$$;

-- Who voted what, in a named round whose results the caller may see.
create function public.round_named_ballots(p_round uuid)
returns table (member_name text, organisation text, proxy boolean, option_id text, criterion smallint, value integer)
language plpgsql stable security definer set search_path = '' as $$
declare
  v_round public.rounds;
begin
  select * into v_round from public.rounds r where r.id = p_round;
  if not found or public.member_role(v_round.workshop_id) is null then raise exception 'not_found'; end if;
  if v_round.anonymous then raise exception 'anonymous_round'; end if;
  if not public.round_results_visible(v_round) then raise exception 'results_hidden'; end if;
  return query select m.name, b.organisation, b.proxy_by is not null, k.option_id, k.criterion, k.value
    from public.ballots b
    join public.members m on m.id = b.member_id
    join public.ballot_marks k on k.round_id = b.round_id and k.member_id = b.member_id
    where b.round_id = p_round
    order by m.name, k.option_id, k.criterion;
end
$$;

revoke execute on function public.open_round(uuid, text, text, text, jsonb, boolean, boolean, text, integer, uuid, jsonb),
  public.close_round(uuid), public.reveal_round(uuid), public.cast_ballot(uuid, jsonb),
  public.cast_proxy_ballot(uuid, text, text, jsonb), public.my_ballot(uuid), public.round_aggregate(uuid),
  public.round_turnout(uuid), public.round_named_ballots(uuid), public.round_results_visible(public.rounds)
  from public;
grant execute on function public.open_round(uuid, text, text, text, jsonb, boolean, boolean, text, integer, uuid, jsonb),
  public.close_round(uuid), public.reveal_round(uuid), public.cast_ballot(uuid, jsonb),
  public.cast_proxy_ballot(uuid, text, text, jsonb), public.my_ballot(uuid), public.round_aggregate(uuid),
  public.round_turnout(uuid), public.round_named_ballots(uuid), public.round_results_visible(public.rounds)
  to authenticated, service_role;
grant execute on function public.round_aggregate_of(uuid), public.close_due_rounds() to service_role;
grant select on public.rounds, public.round_options to authenticated;
