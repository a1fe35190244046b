/*
 * What the setup page (setup_halo_input.js) checks and writes to splunkd, as plain functions over a
 * `rest` object: rest.get(path, query) and rest.post(path, form), each a Promise of {status, data},
 * data being splunkd's JSON answer. The page passes Splunk Web's service; the tests pass real HTTP
 * to a stand-in for splunkd. Loaded by RequireJS in Splunk Web and by require() in Node.
 *
 * The secret goes to storage/passwords (realm: the app, user: the input's name), which is where the
 * modular input reads it; the input's stanza (inputs.conf) gets every other setting and never the secret.
 */
(function (root, factory) {
    if (typeof define === 'function' && define.amd) {
        define([], factory);
    } else if (typeof module === 'object' && module.exports) {
        module.exports = factory();
    }
}(this, function () {
    'use strict';

    var APP = 'cloudpassage_halo';
    var SCHEME = 'cloudpassage_halo';
    var DEFAULT_API_HOST = 'api.cloudpassage.com';
    var DEFAULTS = {interval: '60', index: 'cloudpassage', sourcetype: 'cp_halo'};
    // the modular input's own rule for a host name (ModularInput.HOST): labels, optional port
    var HOST = /^[A-Za-z0-9][A-Za-z0-9-]{0,62}(\.[A-Za-z0-9][A-Za-z0-9-]{0,62})*(:[0-9]{1,5})?$/;
    var DATE = /^(\d{4})-(\d{2})-(\d{2})$/;
    // what Java's OffsetDateTime.parse takes, which the input uses: an offset is required, seconds optional
    var DATE_TIME = /^(\d{4})-(\d{2})-(\d{2})T(\d{2}):(\d{2})(?::(\d{2})(?:\.\d{1,9})?)?(Z|[+-](\d{2}):(\d{2}))$/;
    // Splunk's rule for index names: lower case letters, digits, '_' and '-', not first
    var INDEX = /^[a-z0-9][a-z0-9_-]*$/;
    var CRON = /^\S+(\s+\S+){4}$/;

    function text(value) {
        return value === undefined || value === null ? '' : String(value).trim();
    }

    function isCalendarDate(year, month, day) {
        var date = new Date(Date.UTC(Number(year), Number(month) - 1, Number(day)));
        return date.getUTCFullYear() === Number(year) && date.getUTCMonth() === Number(month) - 1 && date.getUTCDate() === Number(day);
    }

    /** Whether the input would take `start`: an ISO-8601 date (2026-09-01) or date-time with an offset (2026-09-01T10:00:00Z). */
    function isStart(start) {
        var date = DATE.exec(start);
        if (date) {
            return isCalendarDate(date[1], date[2], date[3]);
        }
        var time = DATE_TIME.exec(start);
        return !!time && isCalendarDate(time[1], time[2], time[3]) && Number(time[4]) < 24 && Number(time[5]) < 60
            && (time[6] === undefined || Number(time[6]) < 60)
            && (time[8] === undefined || Number(time[8]) * 60 + Number(time[9]) <= 18 * 60 && Number(time[9]) < 60);
    }

    /** Whether the input would take `hostname`: a host name (with a port) or an http(s) URL with a host, no user or query. */
    function isApiHostname(hostname) {
        if (/^https?:\/\//.test(hostname)) {
            try {
                var url = new URL(hostname);
                return url.hostname !== '' && url.username === '' && url.password === '' && url.search === '';
            } catch (e) {
                return false;
            }
        }
        return HOST.test(hostname);
    }

    /**
     * The form's problems, each {field, message}, empty when it can be saved. The secret is checked
     * in saveSetup: it may be blank when one is already stored.
     */
    function validate(form) {
        var problems = [];
        var name = text(form.name);
        var apiKey = text(form.api_key);
        var start = text(form.start);
        var hostname = text(form.api_hostname);
        var interval = text(form.interval);
        var index = text(form.index);
        if (name === '') {
            problems.push({field: 'name', message: 'Input name is missing: enter a name for this Halo account, such as prod'});
        }
        if (apiKey === '' || /\s/.test(apiKey)) {
            problems.push({field: 'api_key', message: 'API key id is missing or holds a space: enter the key id from the Halo portal'});
        }
        if (start !== '' && !isStart(start)) {
            problems.push({field: 'start', message: 'start=' + start + ' is not an ISO-8601 date (2026-09-01) or date-time'
                + ' (2026-09-01T10:00:00Z): correct it or leave it blank for 90 days ago'});
        }
        if (hostname !== '' && !isApiHostname(hostname)) {
            problems.push({field: 'api_hostname', message: 'api_hostname=' + hostname + ' is not a host name such as '
                + DEFAULT_API_HOST + ' (or an https:// URL): correct it or leave it blank for ' + DEFAULT_API_HOST});
        }
        if (interval !== '' && !(/^[0-9]+$/.test(interval) && Number(interval) > 0) && !CRON.test(interval)) {
            problems.push({field: 'interval', message: 'interval=' + interval + ' is neither seconds (60) nor a cron schedule:'
                + ' correct it or leave it blank for 60'});
        }
        if (index !== '' && !INDEX.test(index)) {
            problems.push({field: 'index', message: 'index=' + index + ' is not a Splunk index name (lower case letters,'
                + ' digits, _ and -): correct it or leave it blank for cloudpassage'});
        }
        return problems;
    }

    /** splunkd's name of a stored secret: realm and user with their colons escaped, each followed by a colon. */
    function passwordName(realm, user) {
        return realm.replace(/:/g, '\\:') + ':' + user.replace(/:/g, '\\:') + ':';
    }

    function passwordsPath() {
        return '/servicesNS/nobody/' + APP + '/storage/passwords';
    }

    function inputsPath() {
        return '/servicesNS/nobody/' + APP + '/data/inputs/' + SCHEME;
    }

    /** One line for a refused request: what was being done and splunkd's own message, never a sent value. */
    function failure(doing, answer) {
        var messages = answer && answer.data && answer.data.messages ? answer.data.messages : [];
        var said = messages.map(function (m) { return m.text; }).join('; ');
        var error = new Error('splunkd refused ' + doing + ' (HTTP ' + (answer ? answer.status : '?') + ')' + (said ? ': ' + said : ''));
        error.status = answer ? answer.status : undefined;
        return error;
    }

    async function exists(rest, path, doing) {
        var answer = await rest.get(path, {output_mode: 'json'});
        if (answer.status === 200) {
            return true;
        }
        if (answer.status === 404) {
            return false;
        }
        throw failure(doing, answer);
    }

    async function posted(rest, path, form, doing) {
        form.output_mode = 'json';
        var answer = await rest.post(path, form);
        if (answer.status !== 200 && answer.status !== 201) {
            throw failure(doing, answer);
        }
        return answer;
    }

    /**
     * The stored settings of input `name` (no secret), or null when there is none, to fill the form
     * when an admin edits an input.
     */
    async function loadInput(rest, name) {
        var answer = await rest.get(inputsPath() + '/' + encodeURIComponent(text(name)), {output_mode: 'json'});
        if (answer.status === 404) {
            return null;
        }
        if (answer.status !== 200) {
            throw failure('reading input ' + text(name), answer);
        }
        var content = answer.data.entry[0].content;
        var settings = {name: text(name)};
        ['api_key', 'start', 'api_hostname', 'interval', 'index', 'sourcetype'].forEach(function (key) {
            settings[key] = content[key] === undefined || content[key] === null ? '' : String(content[key]);
        });
        return settings;
    }

    /**
     * Checks the form, then stores the secret (created, or updated in place), then creates or updates
     * the input's stanza, then marks the app configured. Resolves {saved: false, problems} without a
     * single write when the form is wrong, {saved: true, secret, input} ('created', 'updated' or
     * 'kept') when all is written; rejects with one line when splunkd refuses a step.
     */
    async function saveSetup(rest, form) {
        var problems = validate(form);
        if (problems.length > 0) {
            return {saved: false, problems: problems};
        }
        var name = text(form.name);
        var secret = text(form.secret);
        var secretPath = passwordsPath() + '/' + encodeURIComponent(passwordName(APP, name));
        var secretStored = await exists(rest, secretPath, 'reading the stored secret of input ' + name);
        if (secret === '' && !secretStored) {
            return {saved: false, problems: [{field: 'secret', message: 'API secret is missing: enter the secret of key '
                + text(form.api_key) + ' (it is stored in Splunk\'s password storage, not in inputs.conf)'}]};
        }
        // the secret first: splunkd validates the input when it is saved, and with the secret stored
        // the input's validation asks Halo whether the key and secret are good
        var secretResult = 'kept';
        if (secret !== '' && secretStored) {
            await posted(rest, secretPath, {password: secret}, 'updating the stored secret of input ' + name);
            secretResult = 'updated';
        } else if (secret !== '') {
            await posted(rest, passwordsPath(), {name: name, realm: APP, password: secret}, 'storing the secret of input ' + name);
            secretResult = 'created';
        }
        var settings = {
            api_key: text(form.api_key),
            start: text(form.start),
            api_hostname: text(form.api_hostname),
            interval: text(form.interval) || DEFAULTS.interval,
            index: text(form.index) || DEFAULTS.index,
            sourcetype: text(form.sourcetype) || DEFAULTS.sourcetype
        };
        var inputPath = inputsPath() + '/' + encodeURIComponent(name);
        var inputResult;
        if (await exists(rest, inputPath, 'reading input ' + name)) {
            await posted(rest, inputPath, settings, 'updating input ' + name);
            inputResult = 'updated';
        } else {
            settings.name = name;
            await posted(rest, inputsPath(), settings, 'creating input ' + name);
            inputResult = 'created';
        }
        // Splunk opens the setup view after install until the app is marked configured
        await posted(rest, '/services/apps/local/' + APP, {configured: 'true'}, 'marking the app configured');
        return {saved: true, secret: secretResult, input: inputResult};
    }

    return {
        APP: APP,
        SCHEME: SCHEME,
        DEFAULTS: DEFAULTS,
        validate: validate,
        isStart: isStart,
        isApiHostname: isApiHostname,
        passwordName: passwordName,
        loadInput: loadInput,
        saveSetup: saveSetup
    };
}));
