//! A headless Chromium and one page in it, over the DevTools protocol (a WebSocket of JSON
//! commands and events): every console message, exception, log entry and network request
//! the page makes is kept, so that a test can assert there were none.

use std::io::{BufRead, BufReader};
use std::net::TcpStream;
use std::path::{Path, PathBuf};
use std::process::{Child, Command, Stdio};
use std::time::{Duration, Instant};

use serde_json::{Value, json};
use tungstenite::stream::MaybeTlsStream;
use tungstenite::{Message, WebSocket};

pub const CHROMIUM: &str = "/usr/bin/chromium";

pub struct Chromium {
    child: Child,
    socket: WebSocket<MaybeTlsStream<TcpStream>>,
    session: Option<String>,
    next_id: u64,
    /// Every event received, in order.
    pub events: Vec<Value>,
    profile: PathBuf,
}

impl Chromium {
    /// Starts Chromium headless with a new profile and opens one blank page.
    pub fn launch(name: &str) -> Chromium {
        assert!(Path::new(CHROMIUM).exists(), "{CHROMIUM} is missing: install Debian's chromium (.ci/run does)");
        let profile = std::env::temp_dir().join(format!("syncready-chromium-{name}-{}", std::process::id()));
        let _ = std::fs::remove_dir_all(&profile);
        let mut child = Command::new(CHROMIUM)
            .args([
                "--headless",
                "--no-sandbox",
                "--disable-gpu",
                "--disable-quic",
                "--no-first-run",
                "--disable-background-networking",
                "--disable-component-update",
                "--disable-sync",
                "--remote-debugging-port=0",
                "--window-size=1400,1000",
            ])
            .arg(format!("--user-data-dir={}", profile.display()))
            .arg("about:blank")
            .stdout(Stdio::null())
            .stderr(Stdio::piped())
            .spawn()
            .expect("chromium starts");
        let stderr = child.stderr.take().expect("piped stderr");
        let (sender, receiver) = std::sync::mpsc::channel();
        std::thread::spawn(move || {
            for line in BufReader::new(stderr).lines().map_while(Result::ok) {
                if let Some(url) = line.strip_prefix("DevTools listening on ") {
                    let _ = sender.send(url.trim().to_owned());
                }
            }
        });
        let url = receiver.recv_timeout(Duration::from_secs(30)).expect("chromium prints its DevTools address");
        let (socket, _) = tungstenite::connect(url.as_str()).expect("the DevTools socket opens");
        if let MaybeTlsStream::Plain(stream) = socket.get_ref() {
            stream.set_read_timeout(Some(Duration::from_secs(60))).expect("a read timeout");
        }
        let mut chromium = Chromium { child, socket, session: None, next_id: 0, events: Vec::new(), profile };
        let target = chromium.call("Target.createTarget", json!({ "url": "about:blank" }));
        let attached =
            chromium.call("Target.attachToTarget", json!({ "targetId": target["targetId"], "flatten": true }));
        chromium.session = attached["sessionId"].as_str().map(str::to_owned);
        for domain in ["Page", "Runtime", "Network", "Log"] {
            chromium.call(&format!("{domain}.enable"), json!({}));
        }
        chromium
    }

    /// Sends a command to the page (the browser before one is attached) and waits for its
    /// answer, keeping the events that come before it.
    pub fn call(&mut self, method: &str, params: Value) -> Value {
        self.next_id += 1;
        let id = self.next_id;
        let mut message = json!({ "id": id, "method": method, "params": params });
        if let Some(session) = &self.session {
            message["sessionId"] = json!(session);
        }
        self.socket.send(Message::text(message.to_string())).expect("a DevTools command is sent");
        loop {
            let reply = self.receive();
            if reply["id"] == json!(id) {
                assert!(reply.get("error").is_none(), "{method}: {}", reply["error"]);
                return reply["result"].clone();
            }
            self.events.push(reply);
        }
    }

    fn receive(&mut self) -> Value {
        loop {
            match self.socket.read().expect("the DevTools socket answers") {
                Message::Text(text) => return serde_json::from_str(text.as_str()).expect("DevTools JSON"),
                Message::Close(_) => panic!("chromium closed the DevTools socket"),
                _ => continue,
            }
        }
    }

    /// Opens `path` as a `file://` page and waits for its load event.
    pub fn open(&mut self, path: &Path) -> String {
        let url = url::Url::from_file_path(path).expect("an absolute path").to_string();
        let loaded = self.events.len();
        self.call("Page.navigate", json!({ "url": url }));
        let started = Instant::now();
        while !self.events[loaded..].iter().any(|e| e["method"] == "Page.loadEventFired") {
            assert!(started.elapsed() < Duration::from_secs(60), "{url} did not load");
            let event = self.receive();
            self.events.push(event);
        }
        url
    }

    /// Evaluates a JavaScript expression in the page and returns its value.
    pub fn eval(&mut self, expression: &str) -> Value {
        let result = self
            .call("Runtime.evaluate", json!({ "expression": expression, "returnByValue": true, "awaitPromise": true }));
        assert!(result.get("exceptionDetails").is_none(), "{expression}: {}", result["exceptionDetails"]);
        result["result"]["value"].clone()
    }

    /// Waits until `condition` (JavaScript) is true.
    pub fn wait_for(&mut self, condition: &str) {
        let started = Instant::now();
        while self.eval(&format!("Boolean({condition})")) != json!(true) {
            assert!(started.elapsed() < Duration::from_secs(60), "never true: {condition}");
            std::thread::sleep(Duration::from_millis(20));
        }
    }

    /// Clicks the middle of the first element `selector` finds, as a mouse does (scrolled into
    /// view first).
    pub fn click(&mut self, selector: &str) {
        let selector_json = json!(selector).to_string();
        let center = self.eval(&format!(
            "(() => {{ const e = document.querySelector({selector_json}); e.scrollIntoView({{block: 'center'}}); \
             const r = e.getBoundingClientRect(); return [r.x + r.width / 2, r.y + r.height / 2]; }})()"
        ));
        let (x, y) = (center[0].as_f64().expect("x"), center[1].as_f64().expect("y"));
        for kind in ["mouseMoved", "mousePressed", "mouseReleased"] {
            let params = json!({ "type": kind, "x": x, "y": y, "button": "left", "clickCount": 1 });
            self.call("Input.dispatchMouseEvent", params);
        }
    }

    /// The console errors, uncaught exceptions and error log entries (a blocked resource, a
    /// Content-Security-Policy violation) seen so far.
    pub fn problems(&self) -> Vec<String> {
        self.events
            .iter()
            .filter_map(|e| match e["method"].as_str()? {
                "Runtime.consoleAPICalled" if e["params"]["type"] == "error" || e["params"]["type"] == "assert" => {
                    Some(format!("console: {}", e["params"]["args"]))
                }
                "Runtime.exceptionThrown" => Some(format!("exception: {}", e["params"]["exceptionDetails"])),
                "Log.entryAdded" if e["params"]["entry"]["level"] == "error" => {
                    Some(format!("log: {}", e["params"]["entry"]["text"]))
                }
                _ => None,
            })
            .collect()
    }

    /// The URLs the page asked for, other than `page` itself.
    pub fn requests_besides(&self, page: &str) -> Vec<String> {
        self.events
            .iter()
            .filter(|e| e["method"] == "Network.requestWillBeSent")
            .filter_map(|e| e["params"]["request"]["url"].as_str())
            .filter(|url| *url != page)
            .map(str::to_owned)
            .collect()
    }
}

impl Drop for Chromium {
    fn drop(&mut self) {
        let _ = self.child.kill();
        let _ = self.child.wait();
        let _ = std::fs::remove_dir_all(&self.profile);
    }
}
