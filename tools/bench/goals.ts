/**
 * The figures issue 16 sets goals for, each printed beside its goal with
 * whether it meets it, so `npm run bench` says which it misses.
 */
export interface Figure {
  readonly name: string
  readonly value: number
  readonly unit: string
  /** The goal, and whether the value must be at most or at least it. */
  readonly goal: number
  readonly at: 'most' | 'least'
  /** What was measured, in a few words (how, and over what). */
  readonly how: string
}

export interface JudgedFigure extends Figure {
  /** null when the figure could not be measured here (NaN). */
  readonly met: boolean | null
}

export function judge(figure: Figure): JudgedFigure {
  const met = Number.isNaN(figure.value)
    ? null
    : figure.at === 'most'
      ? figure.value <= figure.goal
      : figure.value >= figure.goal
  return { ...figure, met }
}

/** One line per figure for stderr: "MISS run median 3.2 s (goal ≤ 1.5 s)". */
export function describe(figure: JudgedFigure): string {
  const word = figure.met === null ? 'n/a ' : figure.met ? 'ok  ' : 'MISS'
  const sign = figure.at === 'most' ? '≤' : '≥'
  return `${word} ${figure.name}: ${figure.value} ${figure.unit} (goal ${sign} ${figure.goal} ${figure.unit}) — ${figure.how}`
}
