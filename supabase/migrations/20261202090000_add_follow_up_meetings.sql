-- Meetings that follow one another (issue #19): a workshop can be created as the follow-up of
-- another. It keeps the previous meeting's boards (kind, title, prompt, in order) and its list
-- of organisations (members join the new meeting with its own code and pick their
-- organisation again); the server then starts each board from the previous board's statement
-- and wordings. `follows` links the meetings into the process a group goes through.

alter table public.workshops add column follows uuid references public.workshops (id) on delete set null;
create index workshops_follows on public.workshops (follows) where follows is not null;
-- The board of the previous meeting a board continues (what the process page compares).
alter table public.boards add column continues uuid references public.boards (id) on delete set null;

-- Only a facilitator of the previous meeting (their session's member, or their account) may
-- create its follow-up. The new meeting's facilitator is a new member with the name given; if
-- the caller acts through an account, the account is that member's and owns the new meeting.
-- Returns the new workshop, its facilitator and which new board continues which old one.
create function public.create_follow_up(
  p_previous uuid, p_title text, p_starts_on date, p_venue text, p_facilitator_name text
) returns table (workshop_id uuid, member_id uuid, boards jsonb)
language plpgsql volatile security definer set search_path = '' as $$
declare
  v_previous public.workshops;
  v_caller public.members;
  v_boards jsonb;
  v_row record;
begin
  select * into v_caller from public.members m
  where m.workshop_id = p_previous and m.role = 'facilitator'
    and (m.id = (select auth.uid()) or m.user_id = (select auth.uid()))
  limit 1;
  if not found then raise exception 'not_allowed'; end if;
  select * into v_previous from public.workshops w where w.id = p_previous;
  select coalesce(jsonb_agg(jsonb_build_object('kind', b.kind, 'title', b.title, 'prompt', b.prompt) order by b.position), '[]')
    into v_boards
  from public.boards b where b.workshop_id = p_previous;
  select * into v_row from public.create_workshop(p_title, p_starts_on, p_venue, v_previous.language, v_previous.template, p_facilitator_name, v_boards);
  update public.workshops w set follows = p_previous where w.id = v_row.workshop_id;
  -- create_workshop links its member to auth.uid(), which for a member's session is that
  -- member's id in the previous meeting: the new member is the caller's account's, or nobody's.
  update public.members m set user_id = v_caller.user_id where m.id = v_row.member_id;
  if v_caller.user_id is not null then
    insert into public.workshop_accounts (workshop_id, user_id, role) values (v_row.workshop_id, v_caller.user_id, 'owner');
  end if;
  insert into public.organisations (workshop_id, name)
    select v_row.workshop_id, o.name from public.organisations o where o.workshop_id = p_previous;
  with old as (select b.id, row_number() over (order by b.position) as n from public.boards b where b.workshop_id = p_previous),
       new as (select b.id, row_number() over (order by b.position) as n from public.boards b where b.workshop_id = v_row.workshop_id)
  update public.boards b set continues = old.id from old join new using (n) where b.id = new.id;
  return query
    select v_row.workshop_id, v_row.member_id,
      coalesce((select jsonb_agg(jsonb_build_object('from', b.continues, 'to', b.id) order by b.position)
        from public.boards b where b.workshop_id = v_row.workshop_id and b.continues is not null), '[]');
end
$$;

-- The meetings of the process a workshop belongs to, in order: the ones it follows (back to
-- the first) and the ones that follow it, with their dates and venues. For its members only.
create function public.meeting_chain(p_workshop uuid)
returns table (id uuid, title text, starts_on date, venue text, step integer)
language sql stable security definer set search_path = '' as $$
  with recursive earlier (id, step) as (
    select w.id, 0 from public.workshops w where w.id = p_workshop and public.member_role(p_workshop) is not null
    union all
    select w.follows, e.step - 1 from earlier e join public.workshops w on w.id = e.id
    where w.follows is not null and e.step > -100
  ), later (id, step) as (
    select w.id, 0 from public.workshops w where w.id = p_workshop and public.member_role(p_workshop) is not null
    union all
    select w.id, l.step + 1 from later l join public.workshops w on w.follows = l.id where l.step < 100
  )
  select w.id, w.title, w.starts_on, w.venue, c.step
  from (select * from earlier union select * from later) c join public.workshops w on w.id = c.id
  order by c.step, w.starts_on nulls last, w.created_at
$$;

-- The boards of every meeting in that process, with the board each continues: what the
-- process page compares (its titles; the statements are read from the board documents).
create function public.meeting_boards(p_workshop uuid)
returns table (id uuid, workshop_id uuid, kind text, title text, continues uuid)
language sql stable security definer set search_path = '' as $$
  select b.id, b.workshop_id, b.kind, b.title, b.continues
  from public.meeting_chain(p_workshop) c join public.boards b on b.workshop_id = c.id
  order by c.step, b.position
$$;

revoke execute on function public.create_follow_up(uuid, text, date, text, text), public.meeting_chain(uuid), public.meeting_boards(uuid) from public;
grant execute on function public.create_follow_up(uuid, text, date, text, text), public.meeting_chain(uuid), public.meeting_boards(uuid)
  to authenticated, service_role;
