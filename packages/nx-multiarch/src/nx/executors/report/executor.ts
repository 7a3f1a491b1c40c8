import { copyFileSync, mkdirSync, readFileSync } from 'node:fs';
import { dirname, join, relative } from 'node:path';
import { logger, type ExecutorContext } from '@nx/devkit';
import { PluginError } from '../../../core/failure/errors';
import { reportHtml } from '../../../ops/report/html';
import { reportText, runListLine } from '../../../ops/report/text';
import type { RunRecord } from '../../../ops/report/assemble';
import { findRun, recordedRuns, runDir, runHtmlPath, runRecordPath } from '../../../infra/run/record';
import { writeFileAtomic } from '../../../infra/state/atomic-file';
import { normalizeReportOptions, type ReportExecutorSchema } from '../../../core/options/report';

const readRecord = (file: string) => JSON.parse(readFileSync(file, 'utf8')) as RunRecord;

export default async function reportExecutor(
  options: ReportExecutorSchema,
  context: ExecutorContext,
): Promise<{ success: boolean }> {
  try {
    const o = normalizeReportOptions(options, context.root);
    if (o.list) {
      const runs = recordedRuns(o.stateDir).map((id) => readRecord(runRecordPath(runDir(o.stateDir, id))));
      console.log(o.json ? JSON.stringify(runs, null, 2) : runs.map(runListLine).join('\n'));
      return { success: true };
    }
    const dir = runDir(o.stateDir, findRun(o.stateDir, o.run));
    const record = readRecord(runRecordPath(dir));
    // Rendered again from the record: the page always matches this version of the plugin.
    const html = runHtmlPath(dir);
    writeFileAtomic(html, reportHtml(record));
    if (o.outputPath) {
      mkdirSync(dirname(o.outputPath), { recursive: true });
      copyFileSync(html, o.outputPath);
    }
    const shown = relative(context.root, o.outputPath ?? html) || join('.', html);
    console.log(o.json ? JSON.stringify(record, null, 2) : reportText(record, shown));
    return { success: true };
  } catch (error) {
    if (!(error instanceof PluginError)) throw error;
    logger.error(`nx-multiarch: report: ${error.message}`);
    return { success: false };
  }
}
