/**
 * The Charts page and the dashboard's traffic charts: one procedure per chart, each aggregating in
 * SQL over a range (preset or custom), see ../stats/charts.ts.
 */
import { chartInput, topInput } from "../../shared/schemas/stats";
import { resolveRange } from "../stats/buckets";
import {
  asrAcdChart,
  callsChart,
  durationHistogram,
  inviteReplies,
  memoryChart,
  registeredChart,
  sipLoadChart,
  topUsers,
} from "../stats/charts";
import { router, viewerProcedure } from "../trpc";

const chart = viewerProcedure.input(chartInput);

/**
 * "Now" for preset ranges, in steps of 10 s: the charts of one page load then ask for the very same
 * range, so the ones built from the same scan share it (stats/memo.ts).
 */
const chartNow = () => new Date(Math.floor(Date.now() / 10_000) * 10_000);

export const statsRouter = router({
  calls: chart.query(({ ctx, input }) => callsChart(ctx.db, resolveRange(input, chartNow()))),
  asrAcd: chart.query(({ ctx, input }) => asrAcdChart(ctx.db, resolveRange(input, chartNow()))),
  durations: chart.query(({ ctx, input }) => durationHistogram(ctx.db, resolveRange(input, chartNow()))),
  topCallers: viewerProcedure
    .input(topInput)
    .query(({ ctx, input }) => topUsers(ctx.db, resolveRange(input, chartNow()), "caller", input.limit)),
  topCallees: viewerProcedure
    .input(topInput)
    .query(({ ctx, input }) => topUsers(ctx.db, resolveRange(input, chartNow()), "callee", input.limit)),
  inviteReplies: chart.query(({ ctx, input }) => inviteReplies(ctx.db, resolveRange(input, chartNow()))),
  sipLoad: chart.query(({ ctx, input }) => sipLoadChart(ctx.db, resolveRange(input, chartNow()))),
  memory: chart.query(({ ctx, input }) => memoryChart(ctx.db, resolveRange(input, chartNow()))),
  registered: chart.query(({ ctx, input }) => registeredChart(ctx.db, resolveRange(input, chartNow()))),
});
