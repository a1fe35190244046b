// Runs the setup page's module (splunk-app/appserver/static/halo_input_setup.js) in Node the way the
// page does in Splunk Web, with real HTTP to splunkd (or its stand-in) in place of Splunk Web's service.
// Reads one JSON request on stdin and prints one JSON answer on stdout:
//   {"module": path, "splunkd": url, "sessionKey": key, "save": {form}}        -> what saveSetup resolved
//   {"module": path, "splunkd": url, "sessionKey": key, "load": "input name"}  -> what loadInput resolved
//   {"module": path, "starts": [...], "hostnames": [...]}                       -> which values the page takes
'use strict';

function splunkdRest(base, sessionKey) {
    async function call(method, path, params) {
        const encoded = new URLSearchParams(params || {}).toString();
        const response = await fetch(base + path + (method === 'GET' && encoded ? '?' + encoded : ''), {
            method: method,
            headers: Object.assign({Authorization: 'Splunk ' + sessionKey},
                method === 'POST' ? {'Content-Type': 'application/x-www-form-urlencoded'} : {}),
            body: method === 'POST' ? encoded : undefined
        });
        const text = await response.text();
        let data = null;
        try {
            data = JSON.parse(text);
        } catch (notJson) {
            data = {messages: [{type: 'ERROR', text: 'not JSON: ' + text.slice(0, 200)}]};
        }
        return {status: response.status, data: data};
    }
    return {get: (path, query) => call('GET', path, query), post: (path, form) => call('POST', path, form)};
}

async function main() {
    const chunks = [];
    for await (const chunk of process.stdin) {
        chunks.push(chunk);
    }
    const request = JSON.parse(Buffer.concat(chunks).toString('utf8'));
    const setup = require(request.module);
    let answer;
    if (request.save) {
        try {
            answer = await setup.saveSetup(splunkdRest(request.splunkd, request.sessionKey), request.save);
        } catch (refused) {
            answer = {saved: false, refused: refused.message};
        }
    } else if (request.load !== undefined) {
        answer = {settings: await setup.loadInput(splunkdRest(request.splunkd, request.sessionKey), request.load)};
    } else {
        answer = {
            starts: Object.fromEntries(request.starts.map((start) => [start, setup.validate({name: 'n', api_key: 'k', start: start})
                .every((problem) => problem.field !== 'start')])),
            hostnames: Object.fromEntries(request.hostnames.map((host) => [host, setup.validate({name: 'n', api_key: 'k', api_hostname: host})
                .every((problem) => problem.field !== 'api_hostname')]))
        };
    }
    process.stdout.write(JSON.stringify(answer));
}

main().catch((error) => {
    process.stderr.write(String(error && error.stack || error) + '\n');
    process.exit(1);
});
