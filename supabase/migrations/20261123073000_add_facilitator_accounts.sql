-- Facilitator accounts (Supabase Auth users) and their workshops; co-facilitator invites.
--
-- An account is a Supabase user: `auth.uid()` is its id when the server runs a query for it
-- (role authenticated, its verified access token's claims in request.jwt.claims). Inside a
-- workshop the account acts through a member row whose user_id is that id (member_role()
-- already matches it), so every existing policy applies to it unchanged. workshop_accounts
-- says which workshops an account owns or co-facilitates: the list it sees, and who may
-- invite. There is no foreign key to auth.users: plain Postgres (the embedded default) has no
-- such table, and an account that Supabase deletes simply stops signing in.

create table public.workshop_accounts (
  workshop_id uuid not null references public.workshops on delete cascade,
  user_id uuid not null,
  role text not null check (role in ('owner', 'co-facilitator')),
  created_at timestamptz not null default now(),
  primary key (workshop_id, user_id)
);
create unique index workshop_accounts_one_owner on public.workshop_accounts (workshop_id) where role = 'owner';
create index workshop_accounts_user on public.workshop_accounts (user_id);

create table public.facilitator_invites (
  id uuid primary key default gen_random_uuid(),
  workshop_id uuid not null references public.workshops on delete cascade,
  -- Lowercased and trimmed: compared with the signed-in account's e-mail, lowercased too.
  email text not null check (email = lower(btrim(email)) and char_length(email) between 3 and 254 and email ~ '^[^@[:space:]]+@[^@[:space:]]+$'),
  -- SHA-256 (hex) of the 256-bit token in the invite link; the token itself is never stored.
  token_hash text not null unique check (token_hash ~ '^[0-9a-f]{64}$'),
  invited_by uuid not null,
  created_at timestamptz not null default now(),
  expires_at timestamptz not null default now() + interval '7 days',
  accepted_at timestamptz,
  accepted_by uuid,
  revoked_at timestamptz,
  check (expires_at > created_at)
);
create index facilitator_invites_workshop on public.facilitator_invites (workshop_id, created_at desc);

-- ---------------------------------------------------------------------------------------
-- The caller's account role in a workshop. security definer: the policies on
-- workshop_accounts call it and must not recurse into themselves.

create function public.account_role(p_workshop uuid) returns text
language sql stable security definer set search_path = '' as $$
  select a.role from public.workshop_accounts a
  where a.workshop_id = p_workshop and a.user_id = (select auth.uid())
$$;

create function public.is_workshop_account(p_workshop uuid) returns boolean
language sql stable security definer set search_path = '' as $$
  select public.account_role(p_workshop) is not null
$$;

alter table public.workshop_accounts enable row level security;
alter table public.facilitator_invites enable row level security;

create policy "Accounts can read who facilitates their workshops." on public.workshop_accounts
  for select to authenticated using (user_id = (select auth.uid()) or public.is_workshop_account(workshop_id));

create policy "Facilitator accounts can read their workshops." on public.workshops
  for select to authenticated using (public.is_workshop_account(id));

create policy "Facilitator accounts can read their workshop's invites." on public.facilitator_invites
  for select to authenticated using (public.is_workshop_account(workshop_id));
create policy "Facilitator accounts can invite co-facilitators." on public.facilitator_invites
  for insert to authenticated
  with check (public.is_workshop_account(workshop_id) and invited_by = (select auth.uid()) and accepted_at is null and revoked_at is null);
-- Only revoked_at is granted for update: revoking, once, is the one change an invite takes.
create policy "Facilitator accounts can revoke their workshop's invites." on public.facilitator_invites
  for update to authenticated
  using (public.is_workshop_account(workshop_id) and accepted_at is null and revoked_at is null)
  with check (public.is_workshop_account(workshop_id) and revoked_at is not null);

revoke all on public.workshop_accounts, public.facilitator_invites from anon, authenticated;
grant select on public.workshop_accounts to authenticated;
grant select (id, workshop_id, email, invited_by, created_at, expires_at, accepted_at, accepted_by, revoked_at)
  on public.facilitator_invites to authenticated;
grant insert (workshop_id, email, token_hash, invited_by, expires_at) on public.facilitator_invites to authenticated;
grant update (revoked_at) on public.facilitator_invites to authenticated;
grant all on public.workshop_accounts, public.facilitator_invites to service_role;

-- ---------------------------------------------------------------------------------------
-- Entry points for accounts. They run as the account (role authenticated, its sub), check
-- what a policy cannot (the e-mail in the token, the invite's state), and raise stable codes.

-- The account's e-mail, from its verified access token.
create function public.account_email() returns text
language sql stable set search_path = '' as $$
  select nullif(lower(btrim(coalesce((select auth.jwt()) ->> 'email', ''))), '')
$$;

-- A workshop created while signed in: the account owns it, and its facilitator member is
-- the account's (create_workshop links the member to auth.uid()).
create function public.create_account_workshop(
  p_title text, p_starts_on date, p_venue text, p_language text, p_template text,
  p_facilitator_name text, p_boards jsonb
) returns table (workshop_id uuid, member_id uuid)
language plpgsql volatile security definer set search_path = '' as $$
declare
  v_uid uuid := (select auth.uid());
  v_row record;
begin
  if v_uid is null or public.account_email() is null then raise exception 'not_allowed'; end if;
  select * into v_row from public.create_workshop(p_title, p_starts_on, p_venue, p_language, p_template, p_facilitator_name, p_boards);
  insert into public.workshop_accounts (workshop_id, user_id, role) values (v_row.workshop_id, v_uid, 'owner');
  return query select v_row.workshop_id, v_row.member_id;
end
$$;

-- The account's member in one of its workshops, created (as facilitator) if it has none yet:
-- what a signed-in account opening its workshop gets a session for.
create function public.account_member(p_workshop uuid, p_name text)
returns table (member_id uuid, role text)
language plpgsql volatile security definer set search_path = '' as $$
declare
  v_uid uuid := (select auth.uid());
  v_name text := public.clean_text(p_name, 80);
  v_member public.members;
begin
  if v_uid is null or not public.is_workshop_account(p_workshop) then raise exception 'not_allowed'; end if;
  select * into v_member from public.members m
    where m.workshop_id = p_workshop and m.user_id = v_uid
    order by case m.role when 'facilitator' then 0 when 'participant' then 1 else 2 end, m.created_at
    limit 1;
  if not found then
    if v_name is null or char_length(v_name) > 80 then raise exception 'invalid_name'; end if;
    insert into public.members (workshop_id, name, role, user_id)
      values (p_workshop, v_name, 'facilitator', v_uid)
      returning * into v_member;
  end if;
  return query select v_member.id, v_member.role;
end
$$;

-- A workshop created before signing in (or without accounts) has no owner. Its facilitator,
-- signed in, makes it the account's: the server passes the member its session cookie proves
-- (signed by the server, as every member identity here), and this checks that the member
-- facilitates the workshop, belongs to no other account, and that nobody owns it yet.
create function public.claim_workshop(p_workshop uuid, p_member uuid) returns void
language plpgsql volatile security definer set search_path = '' as $$
declare
  v_uid uuid := (select auth.uid());
  v_member public.members;
begin
  if v_uid is null or public.account_email() is null then raise exception 'not_allowed'; end if;
  -- Two facilitators claiming at once: one wins, the other finds the owner.
  perform from public.workshops w where w.id = p_workshop for no key update;
  select * into v_member from public.members m where m.id = p_member and m.workshop_id = p_workshop;
  if not found or v_member.role <> 'facilitator' or (v_member.user_id is not null and v_member.user_id <> v_uid) then
    raise exception 'not_allowed';
  end if;
  if exists (select from public.workshop_accounts a where a.workshop_id = p_workshop and a.role = 'owner') then
    raise exception 'already_owned';
  end if;
  update public.members set user_id = v_uid where id = p_member;
  insert into public.workshop_accounts (workshop_id, user_id, role) values (p_workshop, v_uid, 'owner')
    on conflict on constraint workshop_accounts_pkey do update set role = 'owner';
end
$$;

-- What the invite link's holder sees before accepting: the workshop and the address invited.
-- Anyone signed in may ask, but only with the 256-bit token from the e-mail.
create function public.facilitator_invite(p_token_hash text)
returns table (workshop_id uuid, workshop_title text, email text, status text)
language sql stable security definer set search_path = '' as $$
  select i.workshop_id, w.title, i.email,
    case when i.revoked_at is not null then 'revoked'
      when i.accepted_at is not null then 'accepted'
      when i.expires_at <= now() then 'expired'
      else 'pending' end
  from public.facilitator_invites i join public.workshops w on w.id = i.workshop_id
  where p_token_hash ~ '^[0-9a-f]{64}$' and i.token_hash = p_token_hash
$$;

-- Accepting makes the signed-in account a co-facilitator, with a facilitator member named
-- p_name (or its existing member, promoted). Only the invited address may accept, once.
create function public.accept_facilitator_invite(p_token_hash text, p_name text)
returns table (workshop_id uuid, member_id uuid)
language plpgsql volatile security definer set search_path = '' as $$
declare
  v_uid uuid := (select auth.uid());
  v_email text := public.account_email();
  v_invite public.facilitator_invites;
  v_name text := public.clean_text(p_name, 80);
  v_member uuid;
begin
  if v_uid is null or v_email is null then raise exception 'not_allowed'; end if;
  select * into v_invite from public.facilitator_invites i
    where p_token_hash ~ '^[0-9a-f]{64}$' and i.token_hash = p_token_hash
    for update;
  if not found then raise exception 'invite_not_found'; end if;
  if v_invite.revoked_at is not null then raise exception 'invite_revoked'; end if;
  if v_invite.accepted_at is not null and v_invite.accepted_by is distinct from v_uid then raise exception 'invite_used'; end if;
  if v_invite.accepted_at is null and v_invite.expires_at <= now() then raise exception 'invite_expired'; end if;
  if v_invite.email <> v_email then raise exception 'invite_wrong_account'; end if;
  if v_name is null or char_length(v_name) > 80 then raise exception 'invalid_name'; end if;

  insert into public.workshop_accounts (workshop_id, user_id, role)
    values (v_invite.workshop_id, v_uid, 'co-facilitator')
    on conflict on constraint workshop_accounts_pkey do nothing;
  select m.id into v_member from public.members m
    where m.workshop_id = v_invite.workshop_id and m.user_id = v_uid
    order by case m.role when 'facilitator' then 0 else 1 end, m.created_at limit 1;
  if v_member is null then
    insert into public.members (workshop_id, name, role, user_id)
      values (v_invite.workshop_id, v_name, 'facilitator', v_uid)
      returning id into v_member;
  else
    update public.members set role = 'facilitator' where id = v_member;
  end if;
  update public.facilitator_invites set accepted_at = coalesce(accepted_at, now()), accepted_by = v_uid
    where id = v_invite.id;
  return query select v_invite.workshop_id, v_member;
end
$$;

revoke execute on function public.account_role(uuid), public.is_workshop_account(uuid), public.account_email(),
  public.create_account_workshop(text, date, text, text, text, text, jsonb), public.account_member(uuid, text),
  public.facilitator_invite(text), public.accept_facilitator_invite(text, text), public.claim_workshop(uuid, uuid) from public;
grant execute on function public.account_role(uuid), public.is_workshop_account(uuid), public.account_email(),
  public.create_account_workshop(text, date, text, text, text, text, jsonb), public.account_member(uuid, text),
  public.facilitator_invite(text), public.accept_facilitator_invite(text, text), public.claim_workshop(uuid, uuid) to authenticated, service_role;
