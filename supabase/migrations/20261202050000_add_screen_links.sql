-- The presenter screen's link. A venue laptop opens /p/<token> and shows the room on the
-- wall without anyone's session on it: the token admits one workshop's presenter, which
-- reads the control and board documents and writes nothing. One link per workshop;
-- facilitators make, read and revoke it.
create table public.screen_links (
  workshop_id uuid primary key references public.workshops on delete cascade,
  token text not null unique check (token ~ '^[A-Za-z0-9_-]{43}$'),
  created_at timestamptz not null default now()
);

alter table public.screen_links enable row level security;

create policy "Facilitators can read the screen link." on public.screen_links
  for select to authenticated using (public.is_facilitator(workshop_id));
create policy "Facilitators can make a screen link." on public.screen_links
  for insert to authenticated with check (public.is_facilitator(workshop_id));
create policy "Facilitators can revoke the screen link." on public.screen_links
  for delete to authenticated using (public.is_facilitator(workshop_id));

revoke all on public.screen_links from anon, authenticated;
grant select, insert, delete on public.screen_links to authenticated;
grant all on public.screen_links to service_role;

-- The workshop a screen token admits, for anyone (role anon). Unknown and revoked tokens find nothing.
create function public.workshop_by_screen_token(p_token text) returns uuid
language sql stable security definer set search_path = '' as $$
  select s.workshop_id from public.screen_links s
  where p_token ~ '^[A-Za-z0-9_-]{43}$' and s.token = p_token
$$;

revoke execute on function public.workshop_by_screen_token(text) from public;
grant execute on function public.workshop_by_screen_token(text) to anon, authenticated, service_role;
