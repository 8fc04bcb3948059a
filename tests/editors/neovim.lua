-- Drives `sot server` from Neovim's built-in LSP client (headless), as a user's editor
-- would, and writes what it saw to $SOT_NVIM_OUT as JSON for tests/neovim.rs to judge.
-- Neovim 0.7 (Debian's package) and later.
local sot = assert(os.getenv('SOT_BIN'), 'SOT_BIN is the sot binary')
local root = assert(os.getenv('SOT_ROOT'), 'SOT_ROOT is the workspace')
local out = assert(os.getenv('SOT_NVIM_OUT'), 'SOT_NVIM_OUT is where results go')
local results = {}
local patience = 20000

local function finish()
  local file = assert(io.open(out, 'w'))
  file:write(vim.fn.json_encode(results))
  file:close()
  vim.cmd('qa!')
end

local function fail(message)
  results.error = message
  finish()
end

local function wait(what, condition)
  if not vim.wait(patience, condition, 20) then
    fail('timed out waiting for ' .. what)
  end
end

local function diagnostics(bufnr)
  local found = {}
  for _, d in ipairs(vim.diagnostic.get(bufnr)) do
    table.insert(found, { line = d.lnum, col = d.col, code = d.code, message = d.message })
  end
  table.sort(found, function(a, b) return a.line < b.line end)
  return found
end

local ok, err = pcall(function()
  vim.cmd('edit ' .. vim.fn.fnameescape(root .. '/docs/runbooks/payments-deploy.md'))
  local runbook = vim.api.nvim_get_current_buf()
  local client_id = vim.lsp.start_client({ name = 'sot', cmd = { sot, 'server' }, root_dir = root })
  vim.lsp.buf_attach_client(runbook, client_id)
  wait('the server to start', function()
    local client = vim.lsp.get_client_by_id(client_id)
    return client ~= nil and client.initialized
  end)

  -- Typing a link to a file that does not exist: a finding on that line.
  local goal = vim.fn.search('^## Goal$') -- 1-based line of the heading
  vim.api.nvim_buf_set_lines(runbook, goal, goal, true, { '', 'See [the plan](../plan.md) first.' })
  wait('a broken-link finding', function() return #diagnostics(runbook) == 1 end)
  results.typed = diagnostics(runbook)
  vim.api.nvim_buf_set_lines(runbook, goal, goal + 2, true, {})
  wait('the finding to clear', function() return #diagnostics(runbook) == 0 end)

  -- Renaming a heading in another open document breaks the link to it here.
  vim.cmd('edit ' .. vim.fn.fnameescape(root .. '/SoT.DEPLOYMENT_PLAYBOOK.md'))
  local playbook = vim.api.nvim_get_current_buf()
  vim.lsp.buf_attach_client(playbook, client_id)
  local heading = vim.fn.search('^## DEP-001: Blue-green rollout$')
  vim.api.nvim_buf_set_lines(playbook, heading - 1, heading, true, { '## DEP-001: Blue-green rollouts' })
  wait('a broken-anchor finding in the runbook', function() return #diagnostics(runbook) == 1 end)
  results.elsewhere = diagnostics(runbook)
  vim.api.nvim_buf_set_lines(playbook, heading - 1, heading, true, { '## DEP-001: Blue-green rollout' })
  wait('the runbook to be clean again', function() return #diagnostics(runbook) == 0 end)

  -- Go to definition on an ID.
  vim.cmd('buffer ' .. runbook)
  local line = vim.fn.search('\\[DEP-001\\]')
  vim.api.nvim_win_set_cursor(0, { line, vim.fn.col('.') })
  local params = vim.lsp.util.make_position_params()
  local answers = vim.lsp.buf_request_sync(runbook, 'textDocument/definition', params, patience)
  local answer = answers and answers[client_id]
  if not answer or answer.err then
    fail('definition: ' .. vim.inspect(answer))
  end
  local location = answer.result[1] or answer.result
  results.definition = {
    file = vim.uri_to_fname(location.uri or location.targetUri):sub(#root + 2),
    line = (location.range or location.targetSelectionRange).start.line,
  }

  -- Rename that ID everywhere, as `sot rename` would, and save every changed file.
  params.newName = 'DEP-010'
  answers = vim.lsp.buf_request_sync(runbook, 'textDocument/rename', params, patience)
  answer = answers and answers[client_id]
  if not answer or answer.err or not answer.result then
    fail('rename: ' .. vim.inspect(answer))
  end
  vim.lsp.util.apply_workspace_edit(answer.result, 'utf-16')
  vim.cmd('silent wall')
  results.renamed = true
  results.runbook_line = vim.api.nvim_buf_get_lines(runbook, line - 1, line, true)[1]
end)
if not ok then
  fail(tostring(err))
end
finish()
