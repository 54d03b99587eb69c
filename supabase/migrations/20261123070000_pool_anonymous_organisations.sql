-- Anonymous rounds: no organisation total may be one person's ballot.
--
-- round_aggregate_of reported every organisation's counts. An organisation that sent one
-- voter (common: one representative per organisation) had its ballot shown as its total, in an
-- anonymous round too. Now, in anonymous rounds:
--   * organisations with two or more voters are reported under their name, as before;
--   * organisations with a single voter are reported together, under U&'\2063others' (a name
--     nobody types: it starts with an invisible separator), with `pooled` and how many
--     organisations the bucket holds;
--   * if that bucket would hold a single ballot (it would be the total minus the named ones),
--     every ballot of the round goes into it and no organisation is named.
-- Cells of the pooled bucket carry `weight`: the sum of their ballots' weights under the
-- round's weighting (per organisation: 1 / voters of the ballot's own organisation), so the
-- tally stays exact. Named rounds are reported as before.
create or replace function public.round_aggregate_of(p_round uuid) returns jsonb
language sql stable security definer set search_path = '' as $$
  with round as (
    select r.anonymous, r.weighting from public.rounds r where r.id = p_round
  ), orgs as (
    select b.organisation, count(*) as voters from public.ballots b where b.round_id = p_round group by b.organisation
  ), singles as (
    select count(*) as n from orgs where orgs.voters = 1
  ), bucket as (
    -- each organisation's bucket: its own name, or the pool
    select o.organisation, o.voters,
      case
        when not (select anonymous from round) then o.organisation
        when (select n from singles) = 1 then U&'\2063others'
        when o.voters = 1 then U&'\2063others'
        else o.organisation
      end as name
    from orgs o
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
            where m.round_id = p_round group by 1, 2, 3, 4) c), '[]'::jsonb))
$$;
revoke execute on function public.round_aggregate_of(uuid) from public;
grant execute on function public.round_aggregate_of(uuid) to service_role;
