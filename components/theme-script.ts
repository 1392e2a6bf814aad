/** Runs before paint (inline, with the CSP nonce): applies a stored light/dark choice. */
export const THEME_SCRIPT = `try{var t=localStorage.getItem('theme');if(t==='light'||t==='dark')document.documentElement.dataset.theme=t}catch(e){}`;
