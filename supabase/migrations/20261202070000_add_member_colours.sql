-- Each member's presence colour on the boards: an index into the palette of 16 colours
-- (PRESENCE_COLOURS in src/lib/domain/board/presence.ts), chosen by the database when the
-- member is created, so that people in one workshop differ until all 16 are taken. Before
-- this the colour was a hash of the member id onto 10 colours: two people often shared one.
--
-- Assigned by a trigger rather than in each function that creates members: join_workshop,
-- create_workshop, claim_facilitator, account_member, accept_facilitator_invite and
-- cast_proxy_ballot all insert members, and the demo seed too; one rule covers them all.

alter table public.members add column colour smallint;

-- Members already there: colours in joining order, per workshop (what the rule below would
-- have given them had they joined one after another).
update public.members m set colour = numbered.colour
from (
  select id, ((row_number() over (partition by workshop_id order by created_at, id) - 1) % 16)::smallint as colour
  from public.members
) numbered
where numbered.id = m.id;

alter table public.members alter column colour set not null;
alter table public.members add constraint members_colour check (colour between 0 and 15);

-- The least-used colour in the workshop, the lowest index among equals. Members entered by a
-- facilitator for a ballot (deviceless) never appear on a board: they get a colour but do not
-- use one up. Joins to one workshop take turns on its row (as role changes do), and after the
-- wait this reads the members again, so 20 people joining at once get 16 different colours
-- before any repeats.
create function public.assign_member_colour() returns trigger
language plpgsql volatile security definer set search_path = '' as $$
begin
  perform from public.workshops w where w.id = new.workshop_id for no key update;
  select c.i into new.colour
  from generate_series(0, 15) as c(i)
  left join public.members m on m.workshop_id = new.workshop_id and m.colour = c.i and not m.deviceless
  group by c.i
  order by count(m.id), c.i
  limit 1;
  return new;
end
$$;

revoke execute on function public.assign_member_colour() from public;

create trigger members_assign_colour before insert on public.members
  for each row execute function public.assign_member_colour();
