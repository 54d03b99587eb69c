-- A snapshot's share token is the facilitator's to hand out: only facilitators share and revoke
-- it, and a participant or observer holding it could pass on a link the facilitator believes
-- private (or revoked and shared anew only to some). Members keep reading every other column of
-- their workshop's snapshots; the token is readable only through snapshot_share_token, which
-- answers facilitators alone (null for everyone else).

revoke select (share_token) on public.snapshots from authenticated;

create function public.snapshot_share_token(p_snapshot uuid) returns text
language sql stable security definer set search_path = '' as $$
  select s.share_token from public.snapshots s
  where s.id = p_snapshot and public.is_facilitator(s.workshop_id)
$$;

revoke execute on function public.snapshot_share_token(uuid) from public;
grant execute on function public.snapshot_share_token(uuid) to authenticated, service_role;
