import { normalizeReportOptions, type ReportExecutorSchema } from '../../../core/options/report';
import { showReport } from '../../../ops/report/show';
import { nxExecutor } from '../run-executor';

export default nxExecutor<ReportExecutorSchema>({ label: 'report' }, async (options, { context }) => {
  console.log(showReport(normalizeReportOptions(options, context.root), context.root));
  return true;
});
