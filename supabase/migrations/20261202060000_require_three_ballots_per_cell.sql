-- Anonymous rounds: no shown cell of fewer than three ballots, and no live results.
--
-- 20261123070000 pooled organisations of one voter. That left two holes (issue #15):
--   * an organisation, or the pooled bucket, holding exactly two ballots: each of the two
--     voters knows their own ballot and so reads the other's from the total;
--   * live results: the totals changed with every ballot, and whoever watched the screen while
--     someone voted could read that person's ballot from the change.
-- Now, in anonymous rounds (named rounds are reported as before):
--   * organisations with three or more voters are reported under their name;
--   * organisations with one or two voters are reported together, under U&'\2063others';
--   * if that bucket would hold one or two ballots, the smallest named organisation (fewest
--     voters, then name) joins it, so it holds at least four; with none to join, it holds every
--     ballot of the round: only the total is shown;
--   * a round of one or two ballots has no cells at all, only how many voted;
--   * results_live takes effect only once the round is closed: while it is open nobody, the
--     facilitators included, sees any result, so no change of the totals follows one ballot.
-- Cells of the pooled bucket carry `weight` as before (see 20261123070000).
create or replace function public.round_results_visible(p_round public.rounds) returns boolean
language sql stable security definer set search_path = '' as $$
  select public.member_role(p_round.workshop_id) is not null
    and (p_round.status = 'revealed'
      or (p_round.results_live and not (p_round.anonymous and p_round.status = 'open'))
      or (p_round.status = 'closed' and public.is_facilitator(p_round.workshop_id)))
$$;

create or replace function public.round_aggregate_of(p_round uuid) returns jsonb
language sql stable security definer set search_path = '' as $$
  with round as (
    select r.anonymous, r.weighting from public.rounds r where r.id = p_round
  ), orgs as (
    select b.organisation, count(*) as voters from public.ballots b where b.round_id = p_round group by b.organisation
  ), small as (
    select coalesce(sum(orgs.voters), 0) as n from orgs where orgs.voters < 3
  ), joining as (
    -- a bucket of one or two ballots would be read by its voters: the smallest named one joins it
    select o.organisation from orgs o
    where (select n from small) between 1 and 2 and o.voters >= 3
    order by o.voters, o.organisation limit 1
  ), bucket as (
    -- each organisation's bucket: its own name, or the pool
    select o.organisation, o.voters,
      case
        when not (select anonymous from round) then o.organisation
        when o.voters < 3 then U&'\2063others'
        when o.organisation in (select j.organisation from joining j) then U&'\2063others'
        else o.organisation
      end as name
    from orgs o
  ), shown as (
    -- an anonymous round of one or two ballots shows how many voted, nothing of what
    select not (select anonymous from round) or (select coalesce(sum(orgs.voters), 0) from orgs) >= 3 as cells
  ), ballot as (
    select b.member_id, b.proxy_by, k.name,
      case when (select weighting from round) = 'organisation' then 1.0::float8 / k.voters else 1.0::float8 end as weight
    from public.ballots b join bucket k using (organisation)
    where b.round_id = p_round
  )
  select jsonb_build_object(
    'voters', coalesce((
      select jsonb_agg(
          case when v.name = U&'\2063others'
            then jsonb_build_object('organisation', v.name, 'count', v.count, 'proxies', v.proxies, 'pooled', true, 'organisations', v.organisations)
            else jsonb_build_object('organisation', v.name, 'count', v.count, 'proxies', v.proxies) end
        order by v.name)
      from (select k.name, sum(k.voters) as count, count(*) as organisations,
              (select count(x.proxy_by) from ballot x where x.name = k.name) as proxies
            from bucket k group by k.name) v), '[]'::jsonb),
    'cells', coalesce((
      select jsonb_agg(
          case when c.name = U&'\2063others'
            then jsonb_build_object('organisation', c.name, 'option', c.option_id, 'criterion', c.criterion, 'value', c.value, 'count', c.count, 'weight', round(c.weight::numeric, 9))
            else jsonb_build_object('organisation', c.name, 'option', c.option_id, 'criterion', c.criterion, 'value', c.value, 'count', c.count) end
        order by c.name, c.option_id, c.criterion, c.value)
      from (select x.name, m.option_id, m.criterion, m.value, count(*) as count, sum(x.weight) as weight
            from public.ballot_marks m join ballot x using (member_id)
            where m.round_id = p_round and (select cells from shown) group by 1, 2, 3, 4) c), '[]'::jsonb))
$$;
revoke execute on function public.round_aggregate_of(uuid) from public;
grant execute on function public.round_aggregate_of(uuid) to service_role;
