import { mount } from 'svelte';
import App from './ui/App.svelte';
import './ui/app.css';
import { startServiceWorker } from './sw/register';
import { applyTheme, readTheme } from './ui/stores/theme';

// Before the app mounts: on a host without COOP/COEP headers the worker's first activation reloads
// the page (once) into a cross-origin-isolated one, and the sooner the less is lost.
void startServiceWorker();
applyTheme(readTheme()); // before the first paint: no flash of the other theme
mount(App, { target: document.getElementById('app')! });
