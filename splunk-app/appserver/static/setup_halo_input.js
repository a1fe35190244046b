/*
 * The setup page (default/data/ui/views/setup_halo_input.xml): reads its form, and hands it with
 * Splunk Web's REST service to halo_input_setup.js, which checks it and writes storage/passwords,
 * the input's stanza and the app's configured flag. Messages are set as text, never as HTML, and the
 * secret is never logged, shown or put in a URL.
 */
require([
    'jquery',
    'splunkjs/mvc',
    '../app/cloudpassage_halo/halo_input_setup',
    'splunkjs/mvc/simplexml/ready!'
], function ($, mvc, setup) {
    'use strict';

    var service = mvc.createService({owner: 'nobody', app: setup.APP});
    var FIELDS = ['name', 'api_key', 'secret', 'start', 'api_hostname', 'interval', 'index', 'sourcetype'];

    /** One splunkd call through Splunk Web as {status, data}; an HTTP error is an answer, no answer a rejection. */
    function call(method, path, params) {
        return new Promise(function (resolve, reject) {
            service[method](path, params, function (err, response) {
                if (err && err.status) {
                    resolve({status: err.status, data: err.data});
                } else if (err) {
                    reject(new Error('Splunk Web did not answer: reload the page and try again'));
                } else {
                    resolve({status: response.status, data: response.data});
                }
            });
        });
    }

    var rest = {
        get: function (path, query) { return call('get', path, query); },
        post: function (path, form) { return call('post', path, form); }
    };

    function field(name) {
        return $('#halo_' + name);
    }

    function show(kind, lines) {
        var box = $('#halo_message').empty().attr('class', 'halo-message halo-' + kind);
        lines.forEach(function (line) {
            box.append($('<p></p>').text(line));
        });
    }

    function form() {
        var values = {};
        FIELDS.forEach(function (name) {
            values[name] = field(name).val();
        });
        return values;
    }

    // an input that exists already: fill the form from its stanza (the secret stays blank: kept unless typed)
    field('name').on('change', function () {
        var name = field('name').val();
        if (!name || !name.trim()) {
            return;
        }
        setup.loadInput(rest, name).then(function (settings) {
            if (settings) {
                ['api_key', 'start', 'api_hostname', 'interval', 'index', 'sourcetype'].forEach(function (key) {
                    field(key).val(settings[key]);
                });
                show('info', ['Input ' + settings.name + ' exists: its settings are filled in. Leave the secret blank to keep the stored one.']);
            }
        }, function (error) {
            show('error', [error.message]);
        });
    });

    $('#halo_save').on('click', function (event) {
        event.preventDefault();
        var button = $(this).prop('disabled', true);
        show('info', ['Saving...']);
        setup.saveSetup(rest, form()).then(function (result) {
            if (!result.saved) {
                show('error', result.problems.map(function (problem) { return problem.message; }));
                return;
            }
            field('secret').val('');
            show('success', [
                'Saved: input ' + field('name').val().trim() + ' ' + result.input + ', its secret ' + result.secret
                    + ' in Splunk\'s password storage.',
                'Splunk runs it every interval; its events appear in the Halo Dashboard within a minute.'
            ]);
        }, function (error) {
            show('error', [error.message]);
        }).then(function () {
            button.prop('disabled', false);
        });
    });
});
