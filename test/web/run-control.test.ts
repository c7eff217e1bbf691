/**
 * Pause and Stop at any moment of a run, without a browser: the worker's RunControl driven through
 * every order of clicks and batch ends, and the page's state machine (run-state.ts) through every
 * event in every state. The page test (page.test.ts) drives the same code in Chromium.
 */
import { describe, it, expect } from 'vitest';
import { RunControl } from '../../web/src/run-control.js';
import { nextRunState, runButtons, type RunEvent, type RunState } from '../../web/src/run-state.js';

/** A control whose hold messages are recorded. */
function recorded(): { control: RunControl; holds: boolean[] } {
  const holds: boolean[] = [];
  return { control: new RunControl((held) => holds.push(held)), holds };
}

/** Whether a promise has settled once the microtask queue has drained. */
async function settled(p: Promise<unknown>): Promise<boolean> {
  let done = false;
  void p.then(() => (done = true));
  await new Promise<void>((ok) => setImmediate(ok));
  return done;
}

describe('RunControl (the worker side)', () => {
  it('runs on when nothing is asked', async () => {
    const { control, holds } = recorded();
    expect(await control.batchEnd()).toBe(false);
    expect(holds).toEqual([]);
  });

  it('a pause asked before the first batch (while the digits load) holds at the first batch end', async () => {
    const { control, holds } = recorded();
    control.pause();
    const end = control.batchEnd();
    expect(await settled(end)).toBe(false);
    expect(holds).toEqual([true]);
    control.resume();
    expect(await end).toBe(false);
    expect(holds).toEqual([true, false]);
    expect(await control.batchEnd()).toBe(false); // resumed: the next batch does not hold
  });

  it('stop releases a held run and ends it', async () => {
    const { control, holds } = recorded();
    control.pause();
    const end = control.batchEnd();
    control.stop();
    expect(await end).toBe(true);
    expect(holds).toEqual([true, false]);
  });

  it('a stop wins over a pause that comes after it', async () => {
    const { control, holds } = recorded();
    control.stop();
    control.pause();
    expect(await control.batchEnd()).toBe(true);
    expect(holds).toEqual([]);
  });

  it('a pause or a stop that crosses the end of the run leaves nothing waiting', async () => {
    const { control, holds } = recorded();
    control.finish();
    control.pause();
    expect(await settled(control.batchEnd())).toBe(true);
    control.stop();
    expect(holds).toEqual([]);
  });

  it('finishing releases a run held at its last batch', async () => {
    const { control } = recorded();
    control.pause();
    const end = control.batchEnd();
    control.finish();
    expect(await end).toBe(false);
  });

  it('two pauses hold once; a resume with no pause does nothing', async () => {
    const { control, holds } = recorded();
    control.resume();
    control.pause();
    control.pause();
    const end = control.batchEnd();
    control.resume();
    await end;
    expect(holds).toEqual([true, false]);
  });
});

describe('the Train panel state (the page side)', () => {
  const states: RunState[] = ['idle', 'loading', 'training', 'pausing', 'paused', 'stopping'];
  const events: RunEvent[] = ['train-click', 'pause-click', 'resume-click', 'stop-click', 'data', 'held', 'released', 'done', 'error'];

  /** Run a sequence of events from idle; the states visited and the messages sent. */
  function drive(sequence: RunEvent[]): { states: RunState[]; sent: string[] } {
    let state: RunState = 'idle';
    const visited: RunState[] = [];
    const sent: string[] = [];
    for (const e of sequence) {
      const next = nextRunState(state, e);
      if (next.send !== undefined) sent.push(next.send);
      state = next.state;
      visited.push(state);
    }
    return { states: visited, sent };
  }

  it('a whole run: train, pause, resume, stop', () => {
    expect(drive(['train-click', 'data', 'pause-click', 'held', 'resume-click', 'released', 'stop-click', 'done'])).toEqual({
      states: ['loading', 'training', 'pausing', 'paused', 'training', 'training', 'stopping', 'idle'],
      sent: ['train', 'pause', 'resume', 'stop'],
    });
  });

  it('pause clicked just as the run ends: done arrives instead of held, and the page is idle', () => {
    expect(drive(['train-click', 'data', 'pause-click', 'done']).states.at(-1)).toBe('idle');
  });

  it('stop clicked while the digits load, or while held', () => {
    expect(drive(['train-click', 'stop-click', 'data', 'done'])).toEqual({ states: ['loading', 'stopping', 'stopping', 'idle'], sent: ['train', 'stop'] });
    expect(drive(['train-click', 'data', 'pause-click', 'held', 'stop-click', 'released', 'done']).states.slice(-3)).toEqual(['stopping', 'stopping', 'idle']);
  });

  it('done or an error ends every state in idle; nothing is sent twice', () => {
    for (const s of states) {
      expect(nextRunState(s, 'done').state).toBe('idle');
      expect(nextRunState(s, 'error').state).toBe('idle');
    }
    expect(drive(['train-click', 'train-click', 'data', 'pause-click', 'pause-click', 'stop-click', 'stop-click']).sent).toEqual(['train', 'pause', 'stop']);
  });

  it('every enabled button has an effect, and every disabled one would have none', () => {
    for (const s of states) {
      const b = runButtons(s);
      expect(nextRunState(s, 'train-click').send !== undefined, `train in ${s}`).toBe(b.train);
      const pauseEvent: RunEvent = b.pauseLabel === 'resume' ? 'resume-click' : 'pause-click';
      expect(nextRunState(s, pauseEvent).send !== undefined, `pause in ${s}`).toBe(b.pause);
      expect(nextRunState(s, 'stop-click').send !== undefined, `stop in ${s}`).toBe(b.stop);
    }
  });

  it('no event leaves the state machine', () => {
    for (const s of states) for (const e of events) expect(states).toContain(nextRunState(s, e).state);
  });
});
