-- Workshops, their boards, organisations and members.
-- Participants have no accounts: a member row is the identity, and its id is the `sub`
-- of the session the server signs. A Supabase user (facilitators, later) is linked by
-- user_id. Every policy asks public.member_role(), so both kinds of identity are served.

create table public.workshops (
  id uuid primary key default gen_random_uuid(),
  title text not null check (char_length(title) between 1 and 120),
  starts_on date,
  venue text not null default '' check (char_length(venue) <= 120),
  language text not null default 'en' check (language in ('en', 'hu')),
  template text not null check (template in ('strategy', 'workgroups', 'blank')),
  -- 6 characters from an alphabet without 0/O, 1/I/L: 31^6 ≈ 887 million codes.
  join_code text not null unique check (join_code ~ '^[A-HJKMNP-Z2-9]{6}$'),
  joining_open boolean not null default true,
  created_at timestamptz not null default now()
);

-- Kept apart from workshops so that only facilitators can read it.
create table public.workshop_secrets (
  workshop_id uuid primary key references public.workshops on delete cascade,
  facilitator_key text not null unique check (char_length(facilitator_key) >= 32)
);

create table public.organisations (
  id uuid primary key default gen_random_uuid(),
  workshop_id uuid not null references public.workshops on delete cascade,
  name text not null check (char_length(name) between 1 and 120 and name = btrim(name)),
  created_at timestamptz not null default now(),
  unique (id, workshop_id)
);
create unique index organisations_workshop_name on public.organisations (workshop_id, lower(name));

create table public.members (
  id uuid primary key default gen_random_uuid(),
  workshop_id uuid not null references public.workshops on delete cascade,
  organisation_id uuid,
  name text not null check (char_length(name) between 1 and 80 and name = btrim(name)),
  role text not null check (role in ('facilitator', 'participant', 'observer')),
  user_id uuid,
  created_at timestamptz not null default now(),
  -- A member's organisation must belong to the member's own workshop.
  foreign key (organisation_id, workshop_id) references public.organisations (id, workshop_id) on delete set null (organisation_id)
);
create index members_workshop on public.members (workshop_id);
create index members_user on public.members (user_id) where user_id is not null;

create table public.boards (
  id uuid primary key default gen_random_uuid(),
  workshop_id uuid not null references public.workshops on delete cascade,
  position integer not null,
  kind text not null check (kind in ('values', 'mission', 'vision', 'goals', 'theme', 'free')),
  title text not null check (char_length(title) between 1 and 120),
  prompt text not null default '' check (char_length(prompt) <= 500),
  locked boolean not null default false,
  created_at timestamptz not null default now()
);
create index boards_workshop on public.boards (workshop_id, position);

-- Server-side settings (the session signing key when none is configured). No role but
-- the owner may touch it.
create schema if not exists private;
create table private.settings (
  key text primary key,
  value text not null
);
alter table private.settings enable row level security;
revoke all on schema private from public;

-- ---------------------------------------------------------------------------------------
-- Who the caller is in a workshop. security definer: the policies on members call it, and
-- it must not recurse into them.

create function public.member_role(p_workshop uuid) returns text
language sql stable security definer set search_path = '' as $$
  select m.role from public.members m
  where m.workshop_id = p_workshop
    and (m.id = (select auth.uid()) or m.user_id = (select auth.uid()))
  order by case m.role when 'facilitator' then 0 when 'participant' then 1 else 2 end
  limit 1
$$;

create function public.is_facilitator(p_workshop uuid) returns boolean
language sql stable security definer set search_path = '' as $$
  select coalesce(public.member_role(p_workshop) = 'facilitator', false)
$$;

-- ---------------------------------------------------------------------------------------
-- Row-level security: one policy per operation.

alter table public.workshops enable row level security;
alter table public.workshop_secrets enable row level security;
alter table public.organisations enable row level security;
alter table public.members enable row level security;
alter table public.boards enable row level security;

create policy "Members can read their workshop." on public.workshops
  for select to authenticated using (public.member_role(id) is not null);
create policy "Facilitators can update their workshop." on public.workshops
  for update to authenticated using (public.is_facilitator(id)) with check (public.is_facilitator(id));
create policy "Facilitators can delete their workshop." on public.workshops
  for delete to authenticated using (public.is_facilitator(id));

create policy "Facilitators can read their workshop's secrets." on public.workshop_secrets
  for select to authenticated using (public.is_facilitator(workshop_id));

create policy "Members can read their workshop's organisations." on public.organisations
  for select to authenticated using (public.member_role(workshop_id) is not null);
create policy "Participants and facilitators can add organisations." on public.organisations
  for insert to authenticated with check (public.member_role(workshop_id) in ('participant', 'facilitator'));

create policy "Members can read their workshop's members." on public.members
  for select to authenticated using (public.member_role(workshop_id) is not null);
-- Only name and organisation are granted for update (below); roles change through
-- public.set_member_role, which checks that the caller facilitates.
create policy "Participants and facilitators can update their own name and organisation." on public.members
  for update to authenticated
  using (id = (select auth.uid()) and role in ('participant', 'facilitator'))
  with check (id = (select auth.uid()));

create policy "Members can read their workshop's boards." on public.boards
  for select to authenticated using (public.member_role(workshop_id) is not null);
create policy "Facilitators can add boards." on public.boards
  for insert to authenticated with check (public.is_facilitator(workshop_id));
create policy "Facilitators can update boards." on public.boards
  for update to authenticated using (public.is_facilitator(workshop_id)) with check (public.is_facilitator(workshop_id));
create policy "Facilitators can remove boards." on public.boards
  for delete to authenticated using (public.is_facilitator(workshop_id));

-- Supabase grants everything to anon and authenticated by default; RLS then decides.
-- Here the grants themselves are narrowed too, so a missing policy never opens a column.
revoke all on public.workshops, public.workshop_secrets, public.organisations, public.members, public.boards
  from anon, authenticated;
grant usage on schema public to anon, authenticated, service_role;
grant select, delete on public.workshops to authenticated;
grant update (title, starts_on, venue, language, joining_open) on public.workshops to authenticated;
grant select on public.workshop_secrets to authenticated;
grant select on public.organisations to authenticated;
grant insert (workshop_id, name) on public.organisations to authenticated;
grant select on public.members to authenticated;
grant update (name, organisation_id) on public.members to authenticated;
grant select, delete on public.boards to authenticated;
grant insert (workshop_id, position, kind, title, prompt) on public.boards to authenticated;
grant update (position, title, prompt, locked) on public.boards to authenticated;
grant all on public.workshops, public.workshop_secrets, public.organisations, public.members, public.boards
  to service_role;

-- ---------------------------------------------------------------------------------------
-- Entry points for people who are not members yet. They run as `anon`, validate, and
-- raise errors whose message is a stable code (the interface translates it).

create function public.new_join_code() returns text
language plpgsql volatile set search_path = '' as $$
declare
  alphabet constant text := 'ABCDEFGHJKMNPQRSTUVWXYZ23456789';
  bytes bytea := uuid_send(gen_random_uuid());
  code text := '';
begin
  for i in 0..5 loop
    code := code || substr(alphabet, 1 + get_byte(bytes, i) % 31, 1);
  end loop;
  return code;
end
$$;

create function public.clean_text(p_text text, p_max integer) returns text
language sql immutable set search_path = '' as $$
  -- Collapse whitespace (including newlines and control characters) and trim.
  select case when p_text is null then null
    else nullif(btrim(regexp_replace(p_text, '[[:space:][:cntrl:]]+', ' ', 'g')), '') end
$$;

create function public.create_workshop(
  p_title text, p_starts_on date, p_venue text, p_language text, p_template text,
  p_facilitator_name text, p_boards jsonb
) returns table (workshop_id uuid, member_id uuid, join_code text, facilitator_key text)
language plpgsql volatile security definer set search_path = '' as $$
declare
  v_title text := public.clean_text(p_title, 120);
  v_name text := public.clean_text(p_facilitator_name, 80);
  v_venue text := coalesce(public.clean_text(p_venue, 120), '');
  v_workshop uuid;
  v_member uuid;
  v_code text;
  v_key text := replace(gen_random_uuid()::text, '-', '') || replace(gen_random_uuid()::text, '-', '');
  v_board jsonb;
  v_position integer := 0;
begin
  if v_title is null or char_length(v_title) > 120 then raise exception 'invalid_title'; end if;
  if v_name is null or char_length(v_name) > 80 then raise exception 'invalid_name'; end if;
  if char_length(v_venue) > 120 then raise exception 'invalid_venue'; end if;
  if p_language is null or p_language not in ('en', 'hu') then raise exception 'invalid_language'; end if;
  if p_template is null or p_template not in ('strategy', 'workgroups', 'blank') then raise exception 'invalid_template'; end if;
  if jsonb_typeof(coalesce(p_boards, '[]')) <> 'array' or jsonb_array_length(coalesce(p_boards, '[]')) > 30 then
    raise exception 'invalid_boards';
  end if;
  loop
    v_code := public.new_join_code();
    exit when not exists (select from public.workshops w where w.join_code = v_code);
  end loop;
  insert into public.workshops (title, starts_on, venue, language, template, join_code)
    values (v_title, p_starts_on, v_venue, p_language, p_template, v_code)
    returning id into v_workshop;
  insert into public.workshop_secrets (workshop_id, facilitator_key) values (v_workshop, v_key);
  insert into public.members (workshop_id, name, role, user_id)
    values (v_workshop, v_name, 'facilitator', (select auth.uid()))
    returning id into v_member;
  for v_board in select * from jsonb_array_elements(coalesce(p_boards, '[]')) loop
    insert into public.boards (workshop_id, position, kind, title, prompt)
      values (v_workshop, v_position, v_board ->> 'kind', v_board ->> 'title', coalesce(v_board ->> 'prompt', ''));
    v_position := v_position + 1;
  end loop;
  return query select v_workshop, v_member, v_code, v_key;
end
$$;

create function public.workshop_by_code(p_code text)
returns table (id uuid, title text, starts_on date, venue text, language text, joining_open boolean, organisations text[])
language sql stable security definer set search_path = '' as $$
  select w.id, w.title, w.starts_on, w.venue, w.language, w.joining_open,
    coalesce((select array_agg(o.name order by o.name) from public.organisations o where o.workshop_id = w.id), '{}')
  from public.workshops w
  where w.join_code = upper(btrim(p_code))
$$;

create function public.join_workshop(p_code text, p_name text, p_organisation text, p_role text)
returns table (workshop_id uuid, member_id uuid)
language plpgsql volatile security definer set search_path = '' as $$
-- The output columns are variables too; `on conflict (workshop_id, …)` below means the column.
#variable_conflict use_column
declare
  v_workshop public.workshops;
  v_name text := public.clean_text(p_name, 80);
  v_org_name text := public.clean_text(p_organisation, 120);
  v_org uuid;
  v_member uuid;
begin
  select * into v_workshop from public.workshops w where w.join_code = upper(btrim(p_code));
  if not found then raise exception 'wrong_code'; end if;
  if not v_workshop.joining_open then raise exception 'joining_closed'; end if;
  if p_role is null or p_role not in ('participant', 'observer') then raise exception 'invalid_role'; end if;
  if v_name is null or char_length(v_name) > 80 then raise exception 'invalid_name'; end if;
  if v_org_name is null or char_length(v_org_name) > 120 then raise exception 'invalid_organisation'; end if;
  insert into public.organisations (workshop_id, name) values (v_workshop.id, v_org_name)
    on conflict (workshop_id, lower(name)) do nothing;
  select o.id into v_org from public.organisations o
    where o.workshop_id = v_workshop.id and lower(o.name) = lower(v_org_name);
  insert into public.members (workshop_id, organisation_id, name, role)
    values (v_workshop.id, v_org, v_name, p_role)
    returning id into v_member;
  return query select v_workshop.id, v_member;
end
$$;

create function public.workshop_by_facilitator_key(p_key text)
returns table (id uuid, title text, language text)
language sql stable security definer set search_path = '' as $$
  select w.id, w.title, w.language
  from public.workshop_secrets s join public.workshops w on w.id = s.workshop_id
  where s.facilitator_key = p_key
$$;

create function public.claim_facilitator(p_key text, p_name text)
returns table (workshop_id uuid, member_id uuid)
language plpgsql volatile security definer set search_path = '' as $$
declare
  v_workshop uuid;
  v_name text := public.clean_text(p_name, 80);
  v_member uuid;
begin
  select s.workshop_id into v_workshop from public.workshop_secrets s where s.facilitator_key = p_key;
  if not found then raise exception 'wrong_key'; end if;
  if v_name is null or char_length(v_name) > 80 then raise exception 'invalid_name'; end if;
  insert into public.members (workshop_id, name, role, user_id)
    values (v_workshop, v_name, 'facilitator', (select auth.uid()))
    returning id into v_member;
  return query select v_workshop, v_member;
end
$$;

-- Runs as the caller (authenticated); checks that the caller facilitates the workshop.
create function public.set_member_role(p_member uuid, p_role text) returns void
language plpgsql volatile security definer set search_path = '' as $$
declare
  v_target public.members;
begin
  select * into v_target from public.members m where m.id = p_member;
  if not found then raise exception 'not_allowed'; end if;
  -- Role changes in one workshop take turns: two facilitators demoting each other at the
  -- same moment would otherwise each count two facilitators and leave none. After the
  -- wait, read the target and the caller's role again (each statement sees fresh data).
  perform from public.workshops w where w.id = v_target.workshop_id for no key update;
  select * into v_target from public.members m where m.id = p_member;
  if not found or not public.is_facilitator(v_target.workshop_id) then raise exception 'not_allowed'; end if;
  if p_role is null or p_role not in ('facilitator', 'participant', 'observer') then raise exception 'invalid_role'; end if;
  if v_target.role = 'facilitator' and p_role <> 'facilitator' and (
    select count(*) from public.members m
    where m.workshop_id = v_target.workshop_id and m.role = 'facilitator'
  ) = 1 then
    raise exception 'last_facilitator';
  end if;
  update public.members set role = p_role where id = p_member;
end
$$;

revoke execute on all functions in schema public from public;
grant execute on function public.member_role(uuid), public.is_facilitator(uuid) to authenticated, service_role;
grant execute on function public.create_workshop(text, date, text, text, text, text, jsonb),
  public.workshop_by_code(text), public.join_workshop(text, text, text, text),
  public.workshop_by_facilitator_key(text), public.claim_facilitator(text, text)
  to anon, authenticated, service_role;
grant execute on function public.set_member_role(uuid, text) to authenticated, service_role;
