import { normalizeBuilderSetupOptions } from '../../../core/options/builder-setup';
import { type DiagnoseExecutorSchema, normalizeDiagnoseOptions } from '../../../core/options/diagnose';
import { diagnose } from '../../../ops/diagnose/diagnose';
import { nxExecutor } from '../run-executor';

export default nxExecutor<DiagnoseExecutorSchema>({ label: 'diagnose' }, async (options, { context }) => {
  const o = normalizeDiagnoseOptions(options);
  const builder = normalizeBuilderSetupOptions(o.builder, context.root, process.env);
  const { text, passed } = await diagnose(o, builder, process.env);
  console.log(text);
  return passed;
});
