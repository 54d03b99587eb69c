-- Workgroups: in a workshop with theme boards, each member works on one board at a time
-- in parallel, until the facilitator gathers everyone for the plenary. A member picks their
-- own workgroup; a facilitator may assign anyone's.

alter table public.boards add constraint boards_id_workshop unique (id, workshop_id);

alter table public.members add column workgroup_board_id uuid;
alter table public.members add constraint members_workgroup_board
  foreign key (workgroup_board_id, workshop_id) references public.boards (id, workshop_id)
  on delete set null (workgroup_board_id);
create index members_workgroup on public.members (workgroup_board_id) where workgroup_board_id is not null;

-- Members may change their own workgroup (the update policy already limits them to their own row).
grant update (workgroup_board_id) on public.members to authenticated;

create function public.assign_workgroup(p_member uuid, p_board uuid) returns void
language plpgsql volatile security definer set search_path = '' as $$
declare
  v_workshop uuid;
begin
  select m.workshop_id into v_workshop from public.members m where m.id = p_member;
  if not found or not public.is_facilitator(v_workshop) then raise exception 'not_allowed'; end if;
  if p_board is not null and not exists (
    select from public.boards b where b.id = p_board and b.workshop_id = v_workshop
  ) then
    raise exception 'not_found';
  end if;
  update public.members set workgroup_board_id = p_board where id = p_member;
end
$$;
revoke execute on function public.assign_workgroup(uuid, uuid) from public;
grant execute on function public.assign_workgroup(uuid, uuid) to authenticated, service_role;
