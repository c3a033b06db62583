// What the buttons show: Companion variables (formatted and raw) from Runshow's
// state, the same fields as OSC feedback (docs/osc.md). Timer text as the stage
// shows it (runshow/timefmt.py timer_text).
'use strict'

/** [variableId, name] for every variable the module sets. */
const VARIABLES = [
  ['connected', 'Đã kết nối (1/0)'],
  ['item_id', 'Mục đang diễn ra: mã'],
  ['item_title', 'Mục đang diễn ra: tên'],
  ['item_presenter', 'Mục đang diễn ra: người trình bày'],
  ['item_index', 'Mục đang diễn ra: số thứ tự (từ 1)'],
  ['remaining', 'Còn lại, như màn hình sân khấu (mm:ss, +mm:ss khi quá giờ)'],
  ['remaining_hms', 'Còn lại, hh:mm:ss (dấu - khi quá giờ)'],
  ['remaining_h', 'Còn lại: giờ'],
  ['remaining_m', 'Còn lại: phút (0–59)'],
  ['remaining_s', 'Còn lại: giây (0–59)'],
  ['remaining_seconds', 'Còn lại: số giây (âm khi quá giờ)'],
  ['phase', 'Pha: normal, warning, danger, overtime, ended'],
  ['running', 'Đang chạy (1/0)'],
  ['paused', 'Tạm dừng (1/0)'],
  ['offset', 'Tiến độ (Chậm 5 phút, Sớm 2 phút, Đúng giờ)'],
  ['offset_seconds', 'Tiến độ: số giây chậm (âm: sớm)'],
  ['next_title', 'Mục tiếp theo: tên'],
  ['projected_end', 'Dự kiến kết thúc (HH:MM)'],
  ['projected_end_ms', 'Dự kiến kết thúc (mili giây từ 1970)'],
  ['blackout', 'Màn hình đen (1/0)'],
  ['banner', 'Băng rôn (1/0)'],
  ['message', 'Tin nhắn trên sân khấu'],
  ['revision', 'Phiên bản trạng thái'],
]

const pad = (n) => String(n).padStart(2, '0')

/** Whole seconds as mm:ss, or h:mm:ss from an hour (negative counts as 0). */
function clockDigits(totalSeconds) {
  const seconds = Math.max(0, totalSeconds)
  const h = Math.floor(seconds / 3600)
  const m = Math.floor((seconds % 3600) / 60)
  const s = seconds % 60
  return h ? `${h}:${pad(m)}:${pad(s)}` : `${pad(m)}:${pad(s)}`
}

/** What the stage shows (runshow/timefmt.py timer_text). */
function timerText(timer, remainingMs, elapsedMs) {
  if (timer.mode === 'countup') return clockDigits(Math.floor(elapsedMs / 1000))
  if (remainingMs > 0) return clockDigits(Math.ceil(remainingMs / 1000))
  if (timer.at_zero === 'stop') return clockDigits(0)
  return `+${clockDigits(Math.floor(-remainingMs / 1000))}`
}

/** runshow/timefmt.py offset_words: within ±30 s on time, else to the nearest minute. */
function offsetText(ms) {
  if (ms === null || ms === undefined) return ''
  if (Math.abs(ms) <= 30000) return 'Đúng giờ'
  const minutes = Math.floor((Math.abs(ms) + 30000) / 60000)
  const h = Math.floor(minutes / 60)
  const m = minutes % 60
  const words = h ? `${h} giờ${m ? ` ${m} phút` : ''}` : `${m} phút`
  return `${ms > 0 ? 'Chậm' : 'Sớm'} ${words}`
}

function clockText(epochMs, timeZone) {
  if (epochMs === null || epochMs === undefined) return ''
  const format = new Intl.DateTimeFormat('en-GB', { hour: '2-digit', minute: '2-digit', hourCycle: 'h23', timeZone })
  return format.format(new Date(epochMs))
}

/** The timer's remaining and elapsed ms at `nowMs` (server clock). */
function timerAt(timer, serverTimeMs, nowMs) {
  if (timer.status === 'running' && timer.deadline_ms !== null && timer.deadline_ms !== undefined) {
    const passed = nowMs - serverTimeMs
    return { remainingMs: timer.deadline_ms - nowMs, elapsedMs: timer.elapsed_ms + passed }
  }
  return { remainingMs: timer.remaining_ms, elapsedMs: timer.elapsed_ms }
}

/** Every variable's value for `state` (GET /api/state's shape) at `nowMs`. */
function variableValues(state, { connected = false, nowMs = Date.now(), timeZone = 'Asia/Ho_Chi_Minh' } = {}) {
  const values = { connected: connected ? 1 : 0 }
  if (!state) return values
  const current = state.current || {}
  const timer = state.timer
  const schedule = state.schedule || {}
  let remainingSeconds = 0
  let text = ''
  if (timer) {
    const { remainingMs, elapsedMs } = timerAt(timer, state.server_time_ms, nowMs)
    remainingSeconds = Math.ceil(remainingMs / 1000)
    text = timerText(timer, remainingMs, elapsedMs)
  }
  const left = Math.abs(remainingSeconds)
  const sign = remainingSeconds < 0 ? '-' : ''
  Object.assign(values, {
    item_id: current.id || '',
    item_title: current.title || '',
    item_presenter: current.presenter_line || '',
    item_index: current.index === undefined ? '' : current.index + 1,
    remaining: text,
    remaining_hms: timer ? `${sign}${pad(Math.floor(left / 3600))}:${pad(Math.floor((left % 3600) / 60))}:${pad(left % 60)}` : '',
    remaining_h: Math.floor(left / 3600),
    remaining_m: Math.floor((left % 3600) / 60),
    remaining_s: left % 60,
    remaining_seconds: remainingSeconds,
    phase: timer ? phaseAt(timer, remainingSeconds * 1000) : '',
    running: timer && timer.status === 'running' ? 1 : 0,
    paused: timer && timer.status === 'paused' ? 1 : 0,
    offset: offsetText(schedule.offset_ms),
    offset_seconds: schedule.offset_ms === undefined || schedule.offset_ms === null ? 0 : Math.round(schedule.offset_ms / 1000),
    next_title: state.next?.title || '',
    projected_end: clockText(schedule.projected_end_ms, timeZone),
    projected_end_ms: schedule.projected_end_ms ?? '',
    blackout: state.blackout ? 1 : 0,
    banner: state.banner ? 1 : 0,
    message: state.message?.stage || '',
    revision: state.revision,
  })
  return values
}

/** The phase at this remaining time (a running countdown moves between server events). */
function phaseAt(timer, remainingMs) {
  if (timer.status !== 'running' || timer.mode === 'countup') return timer.phase
  if (remainingMs <= 0) return timer.at_zero === 'stop' ? 'ended' : 'overtime'
  if (timer.danger_ms && remainingMs <= timer.danger_ms) return 'danger'
  if (timer.warning_ms && remainingMs <= timer.warning_ms) return 'warning'
  return 'normal'
}

module.exports = { VARIABLES, variableValues, timerText, offsetText, clockDigits }
