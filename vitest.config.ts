import { defineConfig } from 'vitest/config'
import projects from './vitest.workspace.js'

// Vitest 4 reads projects from `test.projects`; the list itself lives in vitest.workspace.ts.
export default defineConfig({ test: { projects } })
