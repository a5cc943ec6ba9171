import * as vega from 'vega';
import { compile, type TopLevelSpec } from 'vega-lite';
import { ETHNIC_GROUP_LABELS, type EthnicGroup } from '../../domain/ethnicity.js';
import type { GroupFigures } from '../../domain/equality.js';

/** The groups' short names beside the bars (the description and the table give them in full). */
const SHORT: Record<EthnicGroup, string> = { white: 'White', mixed: 'Mixed', asian: 'Asian', black: 'Black', other: 'Other' };

const escape = (s: string) => s.replace(/&/g, '&amp;').replace(/</g, '&lt;').replace(/>/g, '&gt;').replace(/"/g, '&quot;');

/**
 * The equality report's chart (issue 15 point 5): each group's ratio to the White rate as a bar with
 * its 95 % interval as a line, every bar labelled with its figures in words, so that it reads without
 * colour; a suppressed group says so instead of a bar. Rendered on the server (vega `renderer: 'none'`,
 * `toSVG()`) and inlined, with a <title> and a <desc>; the page's table holds the same figures.
 */
export async function equalityChartSvg(groups: readonly GroupFigures[], title: string): Promise<string> {
  const values = groups.map((g) => ({
    group: SHORT[g.group],
    ratio: g.ratioToWhite,
    lower: g.ci95?.lower ?? g.ratioToWhite,
    upper: g.ci95?.upper ?? g.ratioToWhite,
    // The words go just right of the interval (or of the axis, when there is no bar).
    labelAt: g.ci95?.upper ?? g.ratioToWhite ?? 0,
    label:
      g.ratioToWhite === null
        ? g.suppressed
          ? 'suppressed: fewer than 5'
          : 'no ratio: White count suppressed'
        : g.ci95
          ? `${g.ratioToWhite} (${g.ci95.lower} to ${g.ci95.upper})`
          : `${g.ratioToWhite} (reference)`,
  }));
  const y = { field: 'group', type: 'nominal', sort: null, title: null, axis: { labelLimit: 260, labelFontSize: 13 } } as const;
  const spec: TopLevelSpec = {
    $schema: 'https://vega.github.io/schema/vega-lite/v6.json',
    width: 360,
    height: { step: 34 },
    data: { values },
    encoding: { y },
    layer: [
      {
        mark: { type: 'bar', color: '#1d70b8', height: 18 },
        encoding: {
          x: { field: 'ratio', type: 'quantitative', title: 'Times the White rate (95 % interval)', axis: { titleFontSize: 13 } },
        },
      },
      {
        mark: { type: 'rule', color: '#0b0c0c', strokeWidth: 2 },
        encoding: { x: { field: 'lower', type: 'quantitative' }, x2: { field: 'upper' } },
      },
      { mark: { type: 'rule', color: '#0b0c0c', strokeDash: [4, 4] }, encoding: { x: { datum: 1 } } },
      {
        mark: { type: 'text', align: 'left', dx: 6, fontSize: 13, color: '#0b0c0c' },
        encoding: { x: { field: 'labelAt', type: 'quantitative' }, text: { field: 'label' } },
      },
    ],
    config: { font: 'Arial, sans-serif', view: { stroke: null } },
  };
  const view = new vega.View(vega.parse(compile(spec).spec), { renderer: 'none' });
  const svg = await view.toSVG();
  view.finalize();
  const desc = groups.map((g, i) => `${ETHNIC_GROUP_LABELS[g.group]}: ${values[i]!.label}`).join('; ');
  // The accessible name and description come first inside the <svg>; the figures are also in the table below it.
  // No fixed size: the viewBox scales to the page's width (a phone's too).
  return svg.replace(
    /^<svg([^>]*?) width="\d+" height="\d+"([^>]*)>/,
    `<svg$1$2 class="app-chart" role="img" aria-labelledby="equality-chart-title equality-chart-desc" focusable="false"><title id="equality-chart-title">${escape(title)}</title><desc id="equality-chart-desc">${escape(desc)}</desc>`,
  );
}
