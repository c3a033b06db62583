// Draws the 15-key preset page as HTML (for docs/companion.md's picture), with the
// variables and feedbacks of a running Runshow server:
//   node scripts/preset-page.js http://127.0.0.1:5000 KEY > page.html
// Keys are drawn from the preset definitions, as Companion would fill them; the
// picture is this drawing, not a screenshot of Companion itself.
'use strict'

const { RunshowController } = require('../src/controller')
const { feedbacks, presets } = require('../src/definitions')

const host = { values: {}, setVariableValues() {}, checkFeedbacks() {}, updateStatus() {}, log() {} }
const rgb = (n) => `rgb(${(n >> 16) & 255},${(n >> 8) & 255},${n & 255})`
const escape = (text) => String(text).replace(/[&<>]/g, (c) => ({ '&': '&amp;', '<': '&lt;', '>': '&gt;' })[c])

async function main([url, key]) {
  const controller = new RunshowController(host)
  await controller.configure({ url, key })
  await new Promise((resolve) => setTimeout(resolve, 1500)) // the stream's first state
  const lit = feedbacks(controller)
  const keys = Object.values(presets('runshow')).map((preset) => {
    const style = { ...preset.style }
    for (const feedback of preset.feedbacks) {
      const on = lit[feedback.feedbackId].callback({ options: feedback.options })
      if (on !== Boolean(feedback.isInverted)) Object.assign(style, feedback.style)
    }
    const text = style.text
      .replace(/\$\(runshow:(\w+)\)/g, (_, id) => controller.values[id] ?? '')
      .replace(/\\n/g, '\n')
    const size = style.size === 'auto' ? 13 : Math.min(Number(style.size) || 14, 24)
    return `<div class="key" style="background:${rgb(style.bgcolor)};color:${rgb(style.color)};font-size:${size}px">${escape(text)}</div>`
  })
  controller.stop()
  process.stdout.write(`<!doctype html><meta charset="utf-8"><style>
body{margin:0;background:#111;font-family:sans-serif}
.deck{display:grid;grid-template-columns:repeat(5,96px);gap:12px;padding:16px;width:max-content}
.key{width:96px;height:96px;border-radius:10px;display:flex;align-items:center;justify-content:center;
text-align:center;white-space:pre-line;overflow:hidden;font-weight:700;line-height:1.15;padding:4px;box-sizing:border-box}
</style><div class="deck">${keys.join('')}</div>`)
}

main(process.argv.slice(2)).catch((error) => {
  console.error(error)
  process.exit(1)
})
